package tinyfm.notebook;

import java.util.Set;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Shows an XChart chart inline, as a PNG. */
final class Charts {
    private Charts() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void register(Renderer renderer) {
        try {
            Class.forName("org.knowm.xchart.internal.chartpart.Chart");
        } catch (ClassNotFoundException e) {
            return; // XChart is not on the class path: nothing to render
        }
        renderer.register(Set.of(Image.PNG), Set.of(Image.PNG), Set.of((Class) Chart.class),
                (chart, context) -> Image.renderImage(BitmapEncoder.getBufferedImage((Chart) chart), context));
    }
}
