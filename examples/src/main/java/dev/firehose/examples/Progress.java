package dev.firehose.examples;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.StreamStats;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A progress line while records are in flight, redrawn in place twice a second from the
 * producer's stats.
 */
final class Progress {

    private static final int WIDTH = 30;

    private final ScheduledExecutorService timer;
    private final Runnable draw;
    private final PrintStream out;

    private Progress(ScheduledExecutorService timer, Runnable draw, PrintStream out) {
        this.timer = timer;
        this.draw = draw;
        this.out = out;
    }

    static Progress off() {
        return new Progress(null, () -> { }, null);
    }

    static Progress start(FirehoseProducer producer, long records, PrintStream out) {
        Runnable draw = () -> {
            StreamStats total = producer.stats().total();
            long settled = total.recordsAcknowledged() + total.recordsFailed();
            int filled = (int) (WIDTH * settled / Math.max(1, records));
            out.printf("\r  [%s%s] %,d of %,d settled · %,d buffered · %d requests in flight · %,d retried   ",
                    "#".repeat(filled), ".".repeat(WIDTH - filled), settled, records, total.bufferedRecords(),
                    total.requestsInFlight(), total.recordsRetried());
            out.flush();
        };
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(draw, 0, 500, TimeUnit.MILLISECONDS);
        return new Progress(timer, draw, out);
    }

    /** Draws the final state and ends the line. */
    void stop() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw.run();
        out.println();
    }
}
