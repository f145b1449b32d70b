/**
 * Datasets made at plan time (harness/run/datasets.ts): one item per setup request, holding the
 * response body and the item's own vars. Drivers only read them. They cross to worker threads by
 * structured clone, which turns each Buffer into a plain Uint8Array; `reviveDatasets` turns them
 * back without copying the bytes.
 */

export interface DatasetItem {
  /** the setup request's response body */
  readonly body: Buffer;
  /** the item's vars, evaluated when it was made (e.g. the text that was encoded) */
  readonly fields: Readonly<Record<string, string>>;
}

export interface Dataset {
  readonly items: readonly DatasetItem[];
}

/** Every dataset of a run, by name. */
export type Datasets = Readonly<Record<string, Dataset>>;

/** The item an iteration uses: items rotate with the iteration number. */
export function itemFor(dataset: Dataset, iteration: number): DatasetItem {
  return dataset.items[iteration % dataset.items.length]!;
}

/** Datasets as a worker thread receives them (Uint8Array bodies) made whole again (Buffer bodies). */
export function reviveDatasets(datasets: Datasets | undefined): Datasets {
  if (datasets === undefined) return {};
  const out: Record<string, Dataset> = {};
  for (const [name, d] of Object.entries(datasets)) {
    out[name] = {
      items: d.items.map((item) => {
        if (Buffer.isBuffer(item.body)) return item;
        const bytes = item.body as Uint8Array;
        return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), fields: item.fields };
      }),
    };
  }
  return out;
}
