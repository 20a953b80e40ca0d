package io.vigil.cloud;

/**
 * Runs the fake AWS endpoint on its own, for running the console against it (screenshots, manual
 * checks): prints the URL to put in {@code AWS_ENDPOINT_URL}, then serves until killed.
 * Optional argument: the port.
 */
public final class FakeAwsMain {

    private FakeAwsMain() {
    }

    public static void main(String[] args) throws Exception {
        FakeAws aws = args.length > 0 ? new FakeAws(Integer.parseInt(args[0])) : new FakeAws();
        System.out.println(aws.uri());
        System.out.flush();
        Thread.currentThread().join();
    }
}
