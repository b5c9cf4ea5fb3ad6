package dev.firehose.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures what a run costs the whole process: CPU time (every thread, GC and JIT included),
 * bytes allocated on the heap (by every thread, those that ended during the run included), the peak
 * heap use and the largest heap left after a collection (an upper bound of the live set). It also
 * takes the live heap on demand: the heap left by a full collection ({@link #liveHeapAfterFullGc()}).
 *
 * <p>Not thread-safe: one run at a time, {@link #start()} then {@link #stop()}.
 */
final class ResourceMeter implements AutoCloseable {

    private static final String EXPLICIT_GC_CAUSE = "System.gc()";

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final AtomicLong maxHeapAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final NotificationListener gcListener = this::onGc;
    /** Collections caused by {@code System.gc()}, as the GC notification thread reports them. */
    private final BlockingQueue<ExplicitCollection> explicitCollections = new LinkedBlockingQueue<>();

    private final String endpointThreadPrefix;
    private long startNanos;
    private long startCpu;
    private long startAllocated;
    private long[] startEndpoint;
    private long startHeap;
    private java.util.Map<Long, Long> startThreadCpu = java.util.Map.of();

    /** A meter that bills nothing to an endpoint. */
    ResourceMeter() {
        this(null);
    }

    /**
     * A meter that also reports the CPU and allocation of the threads whose names start with
     * {@code endpointThreadPrefix}: an endpoint running in this process, whose cost is not the client's.
     */
    ResourceMeter(String endpointThreadPrefix) {
        this.endpointThreadPrefix = endpointThreadPrefix;
        if (!threads.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM cannot count allocated bytes per thread");
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool);
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(gcListener, null, null);
                emitters.add(emitter);
            }
        }
    }

    void start() {
        for (MemoryPoolMXBean pool : heapPools) {
            pool.resetPeakUsage();
        }
        startHeap = heapUsed();
        maxHeapAfterGc.set(startHeap);
        collections.set(0);
        startEndpoint = endpointThreads();
        startThreadCpu = threadCpuTimes();
        startAllocated = threads.getTotalThreadAllocatedBytes();
        startCpu = os.getProcessCpuTime();
        startNanos = System.nanoTime();
    }

    Usage stop() {
        long nanos = System.nanoTime() - startNanos;
        long cpu = os.getProcessCpuTime() - startCpu;
        long allocated = threads.getTotalThreadAllocatedBytes() - startAllocated;
        long[] endpoint = endpointThreads();
        String busiest = "";
        long busiestCpu = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpuNow = threads.getThreadCpuTime(info.getThreadId());
            long used = cpuNow - startThreadCpu.getOrDefault(info.getThreadId(), 0L);
            if (cpuNow > 0 && used > busiestCpu) {
                busiestCpu = used;
                busiest = info.getThreadName();
            }
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            peak += pool.getPeakUsage().getUsed();
        }
        return new Usage(nanos, cpu, allocated, startHeap, peak, maxHeapAfterGc.get(), collections.get(),
                endpoint[0] - startEndpoint[0], endpoint[1] - startEndpoint[1], busiest, busiestCpu);
    }

    private java.util.Map<Long, Long> threadCpuTimes() {
        java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long time = threads.getThreadCpuTime(id);
            if (time > 0) {
                cpu.put(id, time);
            }
        }
        return cpu;
    }

    /** CPU nanoseconds and allocated bytes of the endpoint's threads so far. */
    private long[] endpointThreads() {
        long cpu = 0;
        long allocated = 0;
        if (endpointThreadPrefix != null) {
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith(endpointThreadPrefix)) {
                    long id = info.getThreadId();
                    cpu += Math.max(0, threads.getThreadCpuTime(id));
                    allocated += Math.max(0, threads.getThreadAllocatedBytes(id));
                }
            }
        }
        return new long[] {cpu, allocated};
    }

    private long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            used += pool.getUsage().getUsed();
        }
        return used;
    }

    private void onGc(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long after = 0;
        for (Map.Entry<String, MemoryUsage> entry : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (isHeapPool(entry.getKey())) {
                after += entry.getValue().getUsed();
            }
        }
        collections.incrementAndGet();
        maxHeapAfterGc.accumulateAndGet(after, Math::max);
        if (EXPLICIT_GC_CAUSE.equals(info.getGcCause())) {
            explicitCollections.add(new ExplicitCollection(info.getGcName(), info.getGcInfo().getId(), after));
        }
    }

    /**
     * Runs a full collection ({@code System.gc()}; with G1 a stop-the-world full collection unless
     * {@code -XX:+ExplicitGCInvokesConcurrent}) and returns the heap it left: the sum of the heap
     * pools right after it, as the collector reports it, before any thread allocates again. Other
     * threads may go on running; what they hold at that moment is live and counted.
     *
     * @return heap bytes in use right after the collection
     * @throws IllegalStateException if the collector did not report the collection within 10 s
     */
    long liveHeapAfterFullGc() throws InterruptedException {
        Map<String, Long> before = new java.util.HashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            before.put(gc.getName(), gc.getCollectionCount());
        }
        System.gc();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - until < 0) {
            ExplicitCollection collection = explicitCollections.poll(100, TimeUnit.MILLISECONDS);
            // A notification of an earlier System.gc() (the suite's, before a run) is older than the counts taken above.
            if (collection != null && collection.id() > before.getOrDefault(collection.collector(), Long.MAX_VALUE)) {
                return collection.heapAfterBytes();
            }
        }
        throw new IllegalStateException("the collector did not report the System.gc() collection within 10 s");
    }

    private boolean isHeapPool(String name) {
        for (MemoryPoolMXBean pool : heapPools) {
            if (pool.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(gcListener);
            } catch (ListenerNotFoundException e) {
                // Already gone: nothing to undo.
            }
        }
    }

    /**
     * One collection caused by {@code System.gc()}.
     *
     * @param collector the collector's name
     * @param id the collection's sequence number for that collector (its collection count after it)
     * @param heapAfterBytes the heap pools' use right after it
     */
    private record ExplicitCollection(String collector, long id, long heapAfterBytes) {
    }

    /**
     * What one run cost.
     *
     * @param wallNanos elapsed time
     * @param cpuNanos process CPU time, all threads
     * @param allocatedBytes heap bytes allocated by all threads
     * @param startHeapBytes heap use when the run started (right after a full collection: the live set)
     * @param peakHeapBytes the sum of the heap pools' peak use (young generation included)
     * @param maxHeapAfterGcBytes the largest heap use right after a collection, or the heap use at
     *     the start when no collection ran
     * @param collections garbage collections (G1's concurrent cycles included)
     * @param endpointCpuNanos the part of {@code cpuNanos} spent by the endpoint's threads
     * @param endpointAllocatedBytes the part of {@code allocatedBytes} allocated by the endpoint's threads
     * @param busiestThread the name of the live thread that used the most CPU time during the run
     * @param busiestThreadCpuNanos its CPU time during the run
     */
    record Usage(long wallNanos, long cpuNanos, long allocatedBytes, long startHeapBytes, long peakHeapBytes,
                 long maxHeapAfterGcBytes, long collections, long endpointCpuNanos, long endpointAllocatedBytes,
                 String busiestThread, long busiestThreadCpuNanos) {
    }
}
