import assert from 'node:assert/strict';
import { parseBytes, parseCpu, parseDuration, parsePercent, parseRate } from '../../../harness/plan/units.ts';

describe('human units', () => {
  const cases: [string, () => unknown, unknown][] = [
    ['30s is 30 000 ms', () => parseDuration('30s'), 30_000],
    ['1m30s is 90 000 ms', () => parseDuration('1m30s'), 90_000],
    ['250ms is 250 ms', () => parseDuration('250ms'), 250],
    ['1.5s is 1500 ms', () => parseDuration('1.5s'), 1500],
    ['500us is half a millisecond', () => parseDuration('500us'), 0.5],
    ['a bare number is milliseconds', () => parseDuration(42), 42],
    ['"10 seconds" is not a duration', () => parseDuration('10 seconds'), null],
    ['a trailing unit-less part is rejected', () => parseDuration('1m30'), null],
    ['a negative number is not a duration', () => parseDuration(-1), null],
    ['1000/s is 1000 per second', () => parseRate('1000/s'), 1000],
    ['60/m is 1 per second', () => parseRate('60/m'), 1],
    ['5/100ms is 50 per second', () => parseRate('5/100ms'), 50],
    ['-100/s is not a rate', () => parseRate('-100/s'), null],
    ['"fast" is not a rate', () => parseRate('fast'), null],
    ['64KiB is 65 536 bytes', () => parseBytes('64KiB'), 65_536],
    ['256Mi is 268 435 456 bytes', () => parseBytes('256Mi'), 268_435_456],
    ['1KB is 1000 bytes', () => parseBytes('1KB'), 1000],
    ['"12 parsecs" is not a size', () => parseBytes('12 parsecs'), null],
    ['70% is 70', () => parsePercent('70%'), 70],
    ['500m is half a core', () => parseCpu('500m'), 0.5],
    ['2 is two cores', () => parseCpu('2'), 2],
  ];
  for (const [name, fn, want] of cases) it(name, () => assert.equal(fn(), want));
});
