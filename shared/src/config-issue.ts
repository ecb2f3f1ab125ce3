import type { z } from 'zod';
import { toIssues } from './api-error.ts';
import { closestName } from './closest-name.ts';

/**
 * A config's first problem as the one line a program stops with: `path: what is wrong`. Config schemas
 * are strict, so a key they do not have (a misspelt setting, which would otherwise be dropped and its
 * default used without a word) is named as not a setting, with the one of `schema` it likely meant.
 */
export function configIssue(error: z.ZodError, schema: z.ZodType): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    // A union's forms pool their settings; one of another form is not a misspelling of itself.
    return notASetting([...issue.path, key].join('.'), closestName(key, settingsAt(schema, issue.path).filter((name) => name !== key)));
  }
  if (issue.code === 'invalid_union' && 'options' in issue) {
    // A mode-like setting (`mqtt.mode`): name the values it takes, and the one a misspelling meant.
    const values = (issue.options as unknown[]).map(String);
    const given = (issue.input as Record<string, unknown> | undefined)?.[String(issue.discriminator)];
    const meant = typeof given === 'string' ? closestName(given, values) : undefined;
    return `${issue.path.join('.')}: must be one of ${values.join(', ')}${didYouMean(meant)}`;
  }
  const [first] = toIssues(error);
  // zod's own words for these name its types ("expected string, received undefined").
  if (issue.code === 'invalid_type') return `${first!.path}: ${issue.input === undefined ? 'is missing' : `must be ${A_TYPE[issue.expected] ?? `a ${issue.expected}`}`}`;
  return `${first!.path}: ${first!.message}`;
}

const A_TYPE: Record<string, string> = { array: 'a list', object: 'an object', boolean: 'true or false' };

/** Parse options for a config: issues carry their input, so `configIssue` can tell missing from wrong. */
export const CONFIG_PARSE = { reportInput: true } as const;

/** The line for a setting no schema has: `name: is not a setting; did you mean …?` */
export function notASetting(name: string, meant: string | undefined): string {
  return `${name}: is not a setting${didYouMean(meant)}`;
}

const didYouMean = (meant: string | undefined) => (meant ? `; did you mean ${meant}?` : '');

/** What a schema's def holds on the way down to an object's keys (zod 4 defs). */
type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (schema: z.ZodType) => schema.def as unknown as Def;

/** The setting names of the object at `path` in a config schema, through optional, default, list, record, union and transform. */
function settingsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const def = defOf(schema);
  // A preprocess is a pipe from a transform: its settings are those of what it feeds.
  const inner = def.innerType ?? (def.type === 'pipe' ? (defOf(def.in!).type === 'transform' ? def.out : def.in) : undefined);
  if (inner) return settingsAt(inner, path);
  if (def.options) return [...new Set(def.options.flatMap((option) => settingsAt(option, path)))];
  if (path.length === 0) return Object.keys(def.shape ?? {});
  const [step, ...rest] = path;
  const next = typeof step === 'number' ? def.element : def.shape ? def.shape[String(step)] : def.valueType;
  return next ? settingsAt(next, rest) : [];
}
