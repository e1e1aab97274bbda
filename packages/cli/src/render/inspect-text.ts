import { FAMILIES, FEATURE_FLAGS, type FeatureFlag, type FeatureState } from '@virtkit/core';
import { createColors, type Colors } from './colors.js';
import type { InspectReport } from './inspect-report.js';
import { formatTable } from './text-table.js';

/** Where the driver came from, shown under its name. */
export interface InspectSource {
  resolvedPath?: string;
  description?: string;
}

/**
 * `virtkit inspect` as text: identity, advertised capabilities by family,
 * every feature flag with its state, scheduler traits and image types.
 */
export function formatInspect(
  report: InspectReport,
  source: InspectSource = {},
  colors: Colors = createColors(false),
): string[] {
  const total = Object.keys(report.allCapabilities).length;
  const advertised = Object.values(report.allCapabilities).filter(Boolean).length;
  const title = `${report.driver.name} ${report.driver.version}${source.description ? ` - ${source.description}` : ''}`;
  const lines = [
    colors.bold(title),
    colors.dim(
      `contract ${report.contractVersion}${source.resolvedPath ? `; loaded from ${source.resolvedPath}` : ''}`,
    ),
    '',
  ];
  lines.push(colors.bold(`Capabilities (${advertised} of ${total} advertised)`));
  const families = FAMILIES.map((f) => [f, report.capabilities[f]?.join(', ') ?? '-']);
  lines.push(
    ...formatTable(families, { indent: 2, paint: (t, _r, c) => (c === 1 && t.trim() === '-' ? colors.dim(t) : t) }),
    '',
  );
  lines.push(...featureLines(report.features, colors), '');
  lines.push(colors.bold('Scheduler traits'), ...listOrNone(report.traits, colors), '');
  lines.push(colors.bold('Image types'), ...listOrNone(report.imageTypes, colors));
  return lines;
}

const STATE_ORDER: readonly FeatureState[] = ['supported', 'unknown', 'unsupported'];

function featureLines(features: InspectReport['features'], colors: Colors): string[] {
  const flags = Object.keys(FEATURE_FLAGS) as FeatureFlag[];
  const count = (s: FeatureState): number => flags.filter((f) => features[f] === s).length;
  const heading = `Feature flags (${STATE_ORDER.map((s) => `${count(s)} ${s}`).join(', ')})`;
  const sorted = [...flags].sort((a, b) => STATE_ORDER.indexOf(features[a]) - STATE_ORDER.indexOf(features[b]));
  const rows = sorted.map((f) => {
    const def: { requires?: string; trait?: string } = FEATURE_FLAGS[f];
    return [f, features[f], def.requires ?? '', def.trait ?? ''];
  });
  const paintState: Record<string, (t: string) => string> = {
    supported: colors.green,
    unknown: colors.yellow,
    unsupported: colors.dim,
  };
  return [
    colors.bold(heading),
    ...formatTable(rows, {
      header: ['flag', 'state', 'refines', 'trait'],
      indent: 2,
      paint: (t, row, c) => (row >= 0 && c === 1 ? (paintState[t.trim()] ?? String)(t) : t),
    }),
  ];
}

function listOrNone(items: readonly string[], colors: Colors): string[] {
  return items.length === 0 ? [`  ${colors.dim('(none)')}`] : items.map((i) => `  ${i}`);
}
