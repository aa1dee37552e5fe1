import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tinyfm.engine.OffHeap;

/**
 * How long does a new float array take: ND4J's own allocation against tinyfm's OffHeap (JavaCPP's
 * memory, wrapped)? Run, after building, with
 * {@code OMP_WAIT_POLICY=passive java -Dorg.bytedeco.javacpp.maxbytes=6G -Dorg.bytedeco.javacpp.maxphysicalbytes=10G -cp target/tinyfm.jar src/bench/OffHeapAllocation.java}
 * (the launcher's memory limits; docs/performance.md, Where a comparison's time goes). Prints
 * milliseconds per array, three rounds of 20: allocated only (one element written), and allocated
 * then written in full, since fresh memory costs most at its first touch.
 */
public class OffHeapAllocation {
    public static void main(String[] args) {
        Nd4j.create(1); // load the native libraries before timing
        for (long n : new long[] {1 << 20, 1 << 23}) {
            for (int round = 1; round <= 3; round++) {
                System.out.printf("%,d floats, round %d: allocated only: Nd4j.createUninitialized %.2f ms, OffHeap.floats %.2f ms;"
                                + " written in full: Nd4j.createUninitialized %.2f ms, OffHeap.floats %.2f ms%n", n, round,
                        millisPerArray(() -> Nd4j.createUninitialized(DataType.FLOAT, n), false), millisPerArray(() -> OffHeap.floats(n), false),
                        millisPerArray(() -> Nd4j.createUninitialized(DataType.FLOAT, n), true), millisPerArray(() -> OffHeap.floats(n), true));
            }
        }
    }

    static double millisPerArray(java.util.function.Supplier<INDArray> make, boolean writeAll) {
        int count = 20;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            INDArray a = make.get();
            if (writeAll) {
                a.assign(1f);
            } else {
                a.putScalar(0, 1f); // used, so nothing is optimised away
            }
        }
        return (System.nanoTime() - start) / 1e6 / count;
    }
}
