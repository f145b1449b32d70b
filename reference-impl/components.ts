/**
 * Every reference component, by the name `caplab serve <name>` and scenario files use. Adding a
 * component is one line here; its module loads its server code only when started.
 */
import type { RegisteredComponent } from './common/component.ts';
import { echoComponent } from './echo/echo-component.ts';
import { fskComponent } from './fsk/fsk-component.ts';

export const COMPONENTS: Readonly<Record<string, RegisteredComponent>> = {
  echo: echoComponent,
  fsk: fskComponent,
};

/** The registered component names, sorted, for help text and error messages. */
export function componentNames(): string[] {
  return Object.keys(COMPONENTS).sort();
}
