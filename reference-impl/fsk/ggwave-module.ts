/**
 * Loads one ggwave WASM module with its two process-wide side effects undone: its C printf goes
 * nowhere (it writes `n = X, nActual = Y` to stdout on every encode, which would corrupt the
 * component's one-line stdout protocol), and the `uncaughtException`/`unhandledRejection`
 * listeners emscripten installs (they rethrow, turning any later error into exit 7 with a dump of
 * the minified module) are removed, so errors surface as Node reports them.
 */
import factory, { type GgwaveModule } from 'ggwave';

/** A fresh ggwave module, silent, and with the process's error listeners as they were before. */
export async function loadGgwave(): Promise<GgwaveModule> {
  const uncaught = new Set(process.listeners('uncaughtException'));
  const unhandled = new Set(process.listeners('unhandledRejection'));
  try {
    const gg = await factory({ print() {}, printErr() {} });
    gg.disableLog();
    return gg;
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!uncaught.has(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!unhandled.has(l)) process.off('unhandledRejection', l);
  }
}
