package tinyfm.report;

import java.awt.Color;
import java.awt.Graphics2D;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.lines.SeriesLines;

/**
 * A dashed horizontal line across the whole plot at one y value (chance, or "no difference"). A
 * category chart's level series joins its first and last ticks, so with one label budget it would
 * have no length at all: there, this line draws it.
 */
final class LevelLine extends Annotation {
    private final double y;
    private final Color colour;

    LevelLine(double y, Color colour) {
        super(false);
        this.y = y;
        this.colour = colour;
    }

    @Override
    public void paint(Graphics2D g) {
        if (!isVisible) {
            return;
        }
        int screenY = getYAxisScreenValue(y), from = getXAxisScreenValueForMin(), to = getXAxisScreenValueForMax();
        g.setStroke(SeriesLines.DASH_DASH); // the legend's sample
        g.setColor(colour);
        g.drawLine(from, screenY, to, screenY);
    }
}
