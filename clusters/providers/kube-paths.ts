/** Files the real-cluster providers read, as absolute paths (caplab may run from any directory). */
import { fileURLToPath } from 'node:url';

/** Resource tier whose pod templates components are made from (clusters/manifests/overlays/<tier>). */
export type ManifestTier = 'small' | 'medium' | 'large';

export function overlayDir(tier: ManifestTier): string {
  return fileURLToPath(new URL(`../manifests/overlays/${tier}`, import.meta.url));
}

export const KIND_CONFIG = fileURLToPath(new URL('../kind/kind-config.yaml', import.meta.url));
