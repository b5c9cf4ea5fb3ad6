package dev.firehose.producer.spring.app;

import dev.firehose.producer.FirehoseProducer;
import dev.firehose.producer.FirehoseProducerException;
import dev.firehose.producer.PutResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A web application that puts the clicks it is sent, and keeps a ledger of what happened to them. */
@SpringBootApplication
public class ClicksApplication {

    @Bean
    RecordLedger recordLedger() {
        return new RecordLedger();
    }

    @Bean
    ShutdownGate shutdownGate() {
        return new ShutdownGate();
    }

    @Bean
    ApplicationListener<ContextClosedEvent> openGateOnClose(ShutdownGate gate) {
        return event -> gate.closing.countDown();
    }

    /** What the application saw of each record: accepted by put or refused, and each future's outcome. */
    public static final class RecordLedger {
        public final AtomicLong accepted = new AtomicLong();
        public final AtomicLong refused = new AtomicLong();
        public final AtomicLong acknowledged = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();

        void put(FirehoseProducer producer, String click) {
            CompletableFuture<PutResult> future;
            try {
                future = producer.put(click + "\n");
            } catch (FirehoseProducerException e) {
                refused.incrementAndGet();
                throw e;
            }
            accepted.incrementAndGet();
            future.whenComplete((result, error) -> (error == null ? acknowledged : failed).incrementAndGet());
        }
    }

    /** Holds a request until the context starts to close, so that its put falls in the shutdown window. */
    public static final class ShutdownGate {
        public final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch closing = new CountDownLatch(1);
    }

    @RestController
    static class ClicksController {
        private final FirehoseProducer producer;
        private final RecordLedger ledger;
        private final ShutdownGate gate;

        ClicksController(FirehoseProducer producer, RecordLedger ledger, ShutdownGate gate) {
            this.producer = producer;
            this.ledger = ledger;
            this.gate = gate;
        }

        @PostMapping("/clicks")
        ResponseEntity<Void> click(@RequestBody String click) {
            ledger.put(producer, click);
            return ResponseEntity.accepted().build();
        }

        /** Puts once the context has begun to close (at most 10 s later). */
        @PostMapping("/clicks/during-shutdown")
        ResponseEntity<Void> clickDuringShutdown(@RequestBody String click) throws InterruptedException {
            gate.entered.countDown();
            if (!gate.closing.await(10, TimeUnit.SECONDS)) {
                return ResponseEntity.internalServerError().build();
            }
            ledger.put(producer, click);
            return ResponseEntity.accepted().build();
        }
    }
}
