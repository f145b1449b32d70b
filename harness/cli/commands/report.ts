/** `caplab report result.json`: re-renders a stored RunResult (renderers read nothing else). */
import path from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_PRICING, loadPricingProfile, PricingProfileError, type PricingProfile } from '../../../reports/cost/pricing-profile.ts';
import { readRunResult, RunResultError } from '../../../reports/read-run-result.ts';
import { renderConsole } from '../../../reports/render/console.ts';
import { writeRunOutputs } from '../../../reports/run-dir.ts';
import { CaplabError } from '../../errors.ts';
import { exitCodeFor, type FailOn } from '../verdict-exit.ts';

interface ReportOpts { out?: string; failOn: FailOn; color: boolean; pricing: string; staticHtml?: boolean }

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render a result.json: console summary, and summary.md, junit.xml and report.html written beside it (or into --out)')
    .argument('<result>', 'result.json written by caplab run')
    .option('--out <dir>', 'directory for the rendered files (default: the result file\'s directory)')
    .addOption(new Option('--fail-on <level>', 'lowest verdict that fails (exit 3)').choices(['critical', 'warning']).default('critical'))
    .option('--pricing <profile>', 'pricing profile for the cost per tier in report.html (runs with a capacity sweep): opencost-default, aws-us-east-1, gcp-us-central1, or <name>-spot', DEFAULT_PRICING)
    .option('--static-html', 'report.html without the inlined vega libraries: static SVG charts only, about a tenth of the size')
    .option('--no-color', 'no ANSI colours')
    .action(async (file: string, o: ReportOpts) => {
      const result = await readRunResult(file).catch((err: unknown) => {
        if (err instanceof RunResultError) throw new CaplabError(err.code, err.detail, { hint: err.hint });
        throw err;
      });
      const pricing = pricingProfile(o.pricing);
      const dir = o.out ?? path.dirname(path.resolve(file));
      const written = await writeRunOutputs(dir, result, { failOn: o.failOn, capacity: { pricing }, interactive: o.staticHtml !== true });
      process.stdout.write(renderConsole(result, { color: o.color && process.stdout.isTTY === true, failOn: o.failOn }));
      process.stdout.write(`\nwrote ${written.join(', ')}\n`);
      process.exitCode = exitCodeFor(result, o.failOn);
    });
}

function pricingProfile(name: string): PricingProfile {
  try {
    return loadPricingProfile(name);
  } catch (err) {
    if (err instanceof PricingProfileError) throw new CaplabError('CAPLAB_ERR_USAGE', err.message, { hint: 'pass --pricing with one of the profiles named above' });
    throw err;
  }
}
