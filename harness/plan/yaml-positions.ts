/**
 * Maps a path in the parsed scenario (['workloads', 'main', 'rate']) back to line and column in
 * the YAML text, so every problem is reported where the user can fix it.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export interface Position { line: number; col: number }

/**
 * Position of the value at `path`; with `key` set, of that key inside the map at `path` (for
 * unknown keys). Falls back to the nearest existing ancestor, so a missing field points at the
 * map that should hold it.
 */
export function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  const steps = key === undefined ? path : [...path, key];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const isLast = i === steps.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      // For an unknown key point at the key itself, else at the value.
      if (isLast && key !== undefined) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  const p = lines.linePos(offset);
  return { line: p.line, col: p.col };
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null | undefined)?.range;
  return r ? r[0] : undefined;
}
