import assert from 'node:assert/strict';
import { extrapolates, linearFit, loadAt, predict } from '../../../../reports/capacity/linear-fit.ts';

describe('linearFit', () => {
  it('fits an exact line with R² 1, graded good, residuals zero and a two-point chart line over the measured range', () => {
    const f = linearFit([100, 200, 300, 400].map((load) => ({ load, value: 0.05 + 0.001 * load })), 'CPU');
    assert.ok(Math.abs(f.slope - 0.001) < 1e-12);
    assert.ok(Math.abs(f.intercept - 0.05) < 1e-12);
    assert.ok(Math.abs(f.r2! - 1) < 1e-12);
    assert.equal(f.quality, 'good');
    assert.ok(f.residuals.every((r) => Math.abs(r) < 1e-12));
    assert.deepEqual(f.line.map((p) => p.load), [100, 400]);
    assert.deepEqual(f.range, { min: 100, max: 400 });
    assert.ok(Math.abs(predict(f, 1000)! - 1.05) < 1e-9);
    assert.ok(Math.abs(loadAt(f, 0.7)! - 650) < 1e-9);
    assert.equal(extrapolates(f, 650), true);
    assert.equal(extrapolates(f, 250), false);
  });

  it('reports a poor fit as poor and refuses to predict from it', () => {
    // a V: use falls then rises, no straight line describes it
    const f = linearFit([[100, 1], [200, 0.5], [300, 0.1], [400, 0.5], [500, 1]].map(([load, value]) => ({ load: load!, value: value! })), 'memory');
    assert.equal(f.quality, 'poor');
    assert.ok(f.r2! < 0.7);
    assert.match(f.note, /not linear in load \(R² 0\.\d\d over 5 points\): shown, but not used to predict/);
    assert.equal(predict(f, 300), null);
    assert.equal(loadAt(f, 0.7), null);
    assert.equal(f.line.length, 2, 'a poor fit is still drawn');
  });

  it('grades R² between 0.7 and 0.9 as fair and still predicts', () => {
    const pts = [[1, 1], [2, 3], [3, 2], [4, 5], [5, 4], [6, 6]].map(([load, value]) => ({ load: load!, value: value! }));
    const f = linearFit(pts);
    assert.ok(f.r2! >= 0.7 && f.r2! < 0.9, `r2 ${f.r2}`);
    assert.equal(f.quality, 'fair');
    assert.notEqual(predict(f, 3), null);
  });

  it('needs three points and some spread in load', () => {
    assert.equal(linearFit([{ load: 1, value: 1 }, { load: 2, value: 2 }]).quality, 'insufficient');
    const same = linearFit([1, 2, 3].map((value) => ({ load: 100, value })));
    assert.equal(same.quality, 'insufficient');
    assert.match(same.note, /same load/);
    assert.equal(predict(same, 100), null);
  });

  it('treats values that do not change with load as an exact flat line', () => {
    const f = linearFit([100, 200, 300].map((load) => ({ load, value: 64 })));
    assert.equal(f.quality, 'good');
    assert.equal(f.r2, null);
    assert.equal(f.slope, 0);
    assert.equal(loadAt(f, 100), null, 'a flat line never reaches another value');
  });
});
