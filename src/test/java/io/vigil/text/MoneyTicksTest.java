package io.vigil.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Money axes read as money: round dollar ticks, thousands as "k" on large axes, cents below a dollar. */
class MoneyTicksTest {

    @Test
    void dailySpendInHundredsStepsByRoundDollars() {
        Ticks t = Unit.USD.ticks(0, 1130, 6);
        assertEquals(List.of("$0", "$250", "$500", "$750", "$1,000", "$1,250"), t.labels());
        assertEquals(250, t.step());
    }

    @Test
    void aLargeAxisReadsInThousands() {
        assertEquals(List.of("$0", "$5k", "$10k", "$15k", "$20k"), Unit.USD.ticks(0, 18_200, 5).labels());
        assertEquals(List.of("$0", "$2.5k", "$5k", "$7.5k", "$10k", "$12.5k"), Unit.USD.ticks(0, 11_900, 6).labels());
        assertEquals(List.of("$0", "$1M", "$2M", "$3M"), Unit.USD.ticks(0, 2_600_000, 4).labels());
    }

    @Test
    void smallRatesKeepTheirCentsAndTheHourSuffix() {
        assertEquals(List.of("$0.00/h", "$0.50/h", "$1.00/h", "$1.50/h"), Unit.USD_PER_HOUR.ticks(0, 1.4, 4).labels());
        assertEquals(List.of("$0/h", "$10/h", "$20/h", "$30/h"), Unit.USD_PER_HOUR.ticks(0, 27.83, 4).labels());
    }

    @Test
    void negativeMoneyPutsTheSignBeforeTheDollar() {
        assertEquals(List.of("-$100", "-$50", "$0", "$50", "$100"), Unit.USD.ticks(-90, 90, 5).labels());
    }

    @Test
    void anAxisFindsTheLabelOfEachTickItComputes() {
        Ticks t = Unit.USD.ticks(0, 18_200, 5);
        // An axis places ticks at lower + i * step, with floating-point error.
        assertEquals("$15k", t.labelAt(t.first() + 3 * t.step() + 1e-9));
        assertNull(t.labelAt(7_000));
        assertEquals(0, t.first());
        assertEquals(20_000, t.last());
    }

    @Test
    void everyCostSeriesChartsInMoney() {
        // What the Dashboard, the alert charts of cost rules and the CLI infer from the metric's name.
        for (String metric : List.of("cost.live_per_hour", "gpu.cost_per_hour{gpu=\"GPU-1\"}")) {
            assertEquals(Unit.USD_PER_HOUR, Unit.ofMetric(metric), metric);
            assertEquals("$2,000/h", Unit.ofMetric(metric).ticks(0, 1_900, 3).labels().getLast(), metric);
        }
        for (String metric : List.of("cost.daily.total", "cost.mtd", "cost.forecast.eom", "cost.anomaly.impact")) {
            assertEquals(Unit.USD, Unit.ofMetric(metric), metric);
        }
    }

    @Test
    void hoverValuesAreDollarsAndCents() {
        assertEquals("$1,234.56", Unit.USD.format(1234.56));
        assertEquals("$0.07/h", Unit.USD_PER_HOUR.format(0.07));
    }
}
