package io.robogrid.runner.goal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sentence-embedding model of level 2: all-MiniLM-L6-v2, quantized, on ONNX Runtime in this process, read from its
 * jar (no network). Loaded once per JVM, on first use, on the worker thread that first asks (about a second, and
 * 100-120 MB of native memory); every decider shares it. Texts seen before are answered from an LRU cache: element
 * names repeat across pages and runs. Blocking CPU work: call it on a worker thread, never on an event loop.
 */
public final class LocalModel {
  public static final String PROVIDER = "local";
  public static final String MODEL = "all-MiniLM-L6-v2-q";
  /** Longer texts say nothing more about what an element is for, and cost time. */
  static final int MAX_TEXT = 200;
  static final int DIMENSIONS = 384;
  private static final Logger LOG = LoggerFactory.getLogger(LocalModel.class);
  private static final LocalModel SHARED = new LocalModel(4096);

  private final Map<String, float[]> cache;
  private final ExecutorService fanout;
  private volatile EmbeddingModel model;
  private volatile String failure;
  private volatile long loadMs = -1;

  LocalModel(int cacheSize) {
    this.cache = java.util.Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
        return size() > cacheSize;
      }
    });
    // embedAll of several texts fans out to this pool and waits: it must not be the worker pool the caller runs on
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "robogrid-embed-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
    this.fanout = pool;
  }

  /** The one model of this JVM (not loaded until first used). */
  public static LocalModel shared() {
    return SHARED;
  }

  /**
   * Worker thread: loads the model if it is not loaded yet. False when it cannot be loaded (the reason is logged once,
   * and {@link #failure()} tells it): level 2 then has no answers, and the other levels go on.
   */
  public boolean ready() {
    if (model != null) return true;
    if (failure != null) return false;
    synchronized (this) {
      if (model != null || failure != null) return model != null;
      if (io.vertx.core.Context.isOnEventLoopThread()) throw new IllegalStateException("the local model is loaded on a worker thread, not an event loop");
      optOutOfTelemetry();
      long t0 = System.nanoTime();
      try {
        model = new dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel(fanout);
        loadMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("local model {} loaded in {} ms", MODEL, loadMs);
      } catch (Throwable e) { // LinkageError too: a native library that cannot be mapped (a noexec java.io.tmpdir) fails the class's init
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("local model {} cannot be loaded, goal level 'local' will have no answers: {} (ONNX Runtime extracts native libraries "
            + "into java.io.tmpdir={}, which must allow executing them)", MODEL, failure, System.getProperty("java.io.tmpdir"));
      }
      return model != null;
    }
  }

  /**
   * DJL's tokenizer reports to a telemetry host (through 169.254.169.254) when its class is first used, unless one of
   * these is set. Set here as well as on the command line, so that no launch path forgets them.
   */
  static void optOutOfTelemetry() {
    System.setProperty("OPT_OUT_TRACKING", "true");
    System.setProperty("ai.djl.offline", "true");
  }

  /** Why the model could not be loaded, or null. */
  public String failure() {
    return failure;
  }

  /** How long loading took, or -1 before it did. */
  public long loadMs() {
    return loadMs;
  }

  /** Worker thread: the unit vector of {@code text}, or empty when the model is not available. */
  public Optional<float[]> embed(String text) {
    List<float[]> one = embedAll(List.of(text));
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  /**
   * Worker thread: the unit vectors of {@code texts}, in order; an empty list when the model is not available. The
   * arrays are the cache's own: read them, do not change them.
   */
  public List<float[]> embedAll(List<String> texts) {
    if (!ready()) return List.of();
    List<String> keys = texts.stream().map(LocalModel::key).toList();
    // a blank text means nothing (and the model refuses it): a zero vector, similar to nothing
    List<String> missing = keys.stream().distinct().filter(k -> !k.isEmpty() && !cache.containsKey(k)).toList();
    if (!missing.isEmpty()) {
      List<Embedding> got = model.embedAll(missing.stream().map(TextSegment::from).toList()).content();
      for (int i = 0; i < missing.size(); i++) cache.put(missing.get(i), unit(got.get(i).vector()));
    }
    List<float[]> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      if (k.isEmpty()) {
        out.add(new float[DIMENSIONS]);
        continue;
      }
      float[] v = cache.get(k);
      if (v == null) { // evicted between the two steps by another thread's texts: embed it again
        v = unit(model.embed(k).content().vector());
        cache.put(k, v);
      }
      out.add(v);
    }
    return out;
  }

  int cached() {
    return cache.size();
  }

  /** The cosine of two unit vectors: 1 the same meaning, about 0 unrelated. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) dot += a[i] * b[i];
    return dot;
  }

  private static String key(String text) {
    String t = text == null ? "" : text.strip().replaceAll("\\s+", " ");
    return t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t;
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) n += x * x;
    n = Math.sqrt(n);
    if (n == 0) return v;
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) u[i] = (float) (v[i] / n);
    return u;
  }
}
