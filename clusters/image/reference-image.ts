/**
 * The name the reference image (clusters/image/Dockerfile) is built, loaded and deployed under.
 * The embedded control plane's kubelet runs pods of this repository as local processes
 * (clusters/control-plane/kubelet/reference-image.ts); the real-cluster providers load this tag
 * into kind or k3s and the manifests name it, so the same pod templates run in both places.
 */

/** Repository and tag: `npm run image:build` builds it, `kind load docker-image` loads it. */
export const REFERENCE_IMAGE = 'caplab/reference:dev';

/** The Dockerfile, relative to the repository root (the build context). */
export const REFERENCE_DOCKERFILE = 'clusters/image/Dockerfile';

/** Port every reference component listens on inside its container (`--port 8080 --host 0.0.0.0`). */
export const CONTAINER_PORT = 8080;
