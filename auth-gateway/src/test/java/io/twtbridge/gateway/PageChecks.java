package io.twtbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * What a person sees on a page, measured in the browser: an error next to the control that caused it, and text
 * contrast. local-stack's browser tests use it too (auth-gateway's test jar).
 */
public final class PageChecks {
    private PageChecks() {}

    /** The message is visible, inside the window, and just below the control it belongs to. */
    public static void assertNextTo(WebDriver browser, WebElement control, WebElement message) {
        assertTrue(message.isDisplayed(), "message hidden");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ((JavascriptExecutor) browser)
                .executeScript(
                        "const c = arguments[0].getBoundingClientRect(),"
                                + " e = arguments[1].getBoundingClientRect();"
                                + "return {gap: e.top - c.bottom, top: e.top, bottom: e.bottom,"
                                + " height: window.innerHeight};",
                        control,
                        message);
        double gap = ((Number) r.get("gap")).doubleValue();
        assertTrue(gap >= 0 && gap < 60, "the message is " + gap + " px from its control: " + r);
        assertTrue(
                ((Number) r.get("top")).doubleValue() >= 0
                        && ((Number) r.get("bottom")).doubleValue() <= ((Number) r.get("height")).doubleValue(),
                "the message is out of view: " + r);
    }

    /**
     * WCAG AA: every visible element with text of its own, and every button, has a contrast ratio of at least 4.5:1
     * between its computed colour and the background behind it (semi-transparent layers and {@code opacity} composited). At least one
     * button, one label or paragraph, and the h1 must have been measured.
     */
    public static void assertContrast(WebDriver browser, String when) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> measured =
                (List<Map<String, Object>>) ((JavascriptExecutor) browser).executeScript("""
                const parse = (c) => { const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
                  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
                const over = (top, base) => [0, 1, 2].map((k) => top[k] * top[3] + base[k] * (1 - top[3])).concat(1);
                const lum = (c) => { const a = c.slice(0, 3).map((v) => { v /= 255;
                  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                  return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2]; };
                const opacity = (el) => { let o = 1;
                  for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
                  return o; };
                const faded = (c, o) => [c[0], c[1], c[2], c[3] * o];
                const background = (el) => { const layers = [];
                  for (let e = el; e; e = e.parentElement) { const c = faded(parse(getComputedStyle(e).backgroundColor), opacity(e));
                    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
                  let base = [255, 255, 255, 1];
                  for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
                  return base; };
                const out = [];
                for (const el of document.querySelectorAll('body *')) {
                  if (!el.checkVisibility() || el.closest('.visually-hidden')) continue;
                  const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
                  if (!own && el.tagName !== 'BUTTON') continue;
                  const b = background(el), f = over(faded(parse(getComputedStyle(el).color), opacity(el)), b);
                  const l1 = lum(f), l2 = lum(b);
                  out.push({ what: el.tagName + '#' + el.id + '.' + el.className + (el.disabled ? ':disabled' : '') + ' '
                    + el.textContent.trim().slice(0, 40), ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) });
                }
                return out;""");
        List<String> low = new ArrayList<>();
        for (Map<String, Object> m : measured) {
            if (((Number) m.get("ratio")).doubleValue() < 4.5) {
                low.add(m.get("what") + " " + m.get("ratio"));
            }
        }
        assertTrue(low.isEmpty(), when + ": below 4.5:1: " + low);
        List<String> what = measured.stream().map(m -> (String) m.get("what")).toList();
        assertTrue(what.stream().anyMatch(w -> w.startsWith("BUTTON#")), when + ": no button measured: " + what);
        assertTrue(
                what.stream().anyMatch(w -> w.startsWith("LABEL#") || w.startsWith("P#")),
                when + ": no body text measured: " + what);
        assertTrue(what.stream().anyMatch(w -> w.startsWith("H1#")), when + ": no header measured: " + what);
    }
}
