/**
 * The caplab reference image: a container whose image is `caplab/reference` (any tag; the
 * documented name is REFERENCE_IMAGE) runs as a local child process of the kubelet, with its args
 * read as `caplab serve` reads them: `[serve] <component> --flag value ...`. Any other image is a
 * simulated container (it runs nothing and is Ready after the kubelet's delay, as KWOK does).
 */

/** The image name pods use to run a reference component, e.g. in a Deployment's pod template. */
export const REFERENCE_IMAGE = 'caplab/reference:dev';

const REFERENCE_REPOSITORY = 'caplab/reference';

/** Flags the kubelet owns: every process listens on 127.0.0.1 on a port the OS picks. */
const OWNED_FLAGS = new Set(['port', 'host']);

export interface ReferenceCommand {
  component: string;
  flags: Record<string, string | boolean>;
}

/** Whether an image is the reference image (repository `caplab/reference`, any tag or digest). */
export function isReferenceImage(image: string | undefined): boolean {
  if (image === undefined) return false;
  const repository = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '').replace(/^docker\.io\//, '');
  return repository === REFERENCE_REPOSITORY;
}

/**
 * Reads a reference container's args (or command + args) into a component and its flags;
 * `--port` and `--host` are dropped because the kubelet chooses them. Throws on args that name no component.
 */
export function parseReferenceArgs(command: readonly string[] | undefined, args: readonly string[] | undefined): ReferenceCommand {
  const words = [...(command ?? []), ...(args ?? [])];
  while (words.length > 0 && ['caplab', 'serve'].includes(words[0]!)) words.shift();
  const component = words.shift();
  if (component === undefined || component.startsWith('-')) {
    throw new Error(`a ${REFERENCE_REPOSITORY} container needs args [serve] <component> [--flag value ...], got ${JSON.stringify([...(command ?? []), ...(args ?? [])])}`);
  }
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(word)} in a ${REFERENCE_REPOSITORY} container's args: flags look like --name value`);
    const eq = word.indexOf('=');
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    let value: string | boolean;
    if (eq !== -1) value = word.slice(eq + 1);
    else if (i + 1 < words.length && !words[i + 1]!.startsWith('--')) value = words[++i]!;
    else value = true;
    if (!OWNED_FLAGS.has(name)) flags[name] = value;
  }
  return { component, flags };
}
