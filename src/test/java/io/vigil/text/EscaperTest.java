package io.vigil.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Text a process controls cannot start a line, move the cursor, colour the terminal or reorder what is shown. */
class EscaperTest {

    @Test
    void controlCharactersBecomeVisible() {
        assertEquals("a\\nb\\r\\tc", Escaper.escape("a\nb\r\tc"));
        assertEquals("\\x1B[2J\\x1B[31mred", Escaper.escape("\u001b[2J\u001b[31mred"));
        assertEquals("\\x00\\x7F\\x9B", Escaper.escape("\u0000\u007f\u009b"));
    }

    @Test
    void bidiOverridesAndLineSeparatorsBecomeVisible() {
        assertEquals("gpu\\u{202E}gnp.exe", Escaper.escape("gpu\u202Egnp.exe"));
        for (char c : new char[] {'\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069',
                '\u200B', '\u200D', '\u200E', '\u200F', '\uFEFF', '\u2028', '\u2029', '\u061C'}) {
            assertEquals(String.format("\\u{%04X}", (int) c), Escaper.escape(String.valueOf(c)));
        }
        assertEquals("\\u{D800}x", Escaper.escape("\uD800x"), "a lone surrogate");
    }

    @Test
    void ordinaryTextIsReturnedAsIsAndEscapingTwiceChangesNothing() {
        String plain = "python3 train.py --lr 3e-4 naïve 日本語 😀";
        assertSame(plain, Escaper.escape(plain));
        String once = Escaper.escape("x\n-> SUCCEEDED exit 0\u001b[2J\u202E");
        assertEquals("x\\n-> SUCCEEDED exit 0\\x1B[2J\\u{202E}", once);
        assertEquals(once, Escaper.escape(once));
    }
}
