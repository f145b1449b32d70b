/** zod field types for the human units of units.ts, with error messages that say what to write. */
import { z } from 'zod';
import { parseBytes, parseCpu, parseDuration, parsePercent, parseRate } from './units.ts';

function unit<T>(parse: (v: string | number) => T | null, what: string, example: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    const out = parse(v);
    if (out === null) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a ${what}; write it like ${example}` });
      return z.NEVER;
    }
    return out;
  });
}

/** A duration such as `30s`, `1m30s`, `250ms`; parsed to milliseconds. */
export const duration = () => unit(parseDuration, 'duration', '`30s`, `1m30s` or `250ms`').meta({ description: 'duration: 30s, 1m30s, 250ms (a bare number is ms)' });
/** A rate such as `1000/s` or `60/m`; parsed to events per second. */
export const rate = () => unit(parseRate, 'rate', '`1000/s` or `60/m`').meta({ description: 'rate: 1000/s, 60/m (a bare number is per second)' });
/** A size such as `64KiB` or `256Mi`; parsed to bytes. */
export const bytes = () => unit(parseBytes, 'size', '`64KiB`, `256Mi` or `1024`').meta({ description: 'size in bytes: 1024, 64KiB, 256Mi' });
/** A percentage such as `70%`. */
export const percent = () => unit(parsePercent, 'percentage', '`70%`').meta({ description: 'percentage: 70%' });
/** A Kubernetes CPU quantity such as `500m` or `2`; parsed to cores. */
export const cpu = () => unit(parseCpu, 'CPU quantity', '`500m` or `2`').meta({ description: 'CPU cores: 500m, 2' });
