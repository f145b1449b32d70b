/** What an exporter returns: the script text, and what did not map (also written into the script). */
export interface ExportOutput {
  text: string;
  notes: string[];
}

/** The notes as comment lines for the top of an exported script. */
export function exportNotes(notes: readonly string[]): string[] {
  if (notes.length === 0) return [];
  return ['What did not map (see also docs/authoring.md):', ...notes.map((n) => `- ${n}`)];
}
