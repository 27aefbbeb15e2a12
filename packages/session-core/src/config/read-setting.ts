import { SessionConfigError } from '../errors.js';

/** The variables settings are read from: the process environment over `.env`, or the app's own. */
export type SettingsEnv = Readonly<Record<string, string | undefined>>;

/** Turns a variable's raw text into its value; `name` is the variable it came from, for errors. */
export type ParseSetting<T> = (raw: string, name: string) => T;

/** Variables whose values must never appear in an error message. */
const SECRET = /PASSWORD|SECRET|_URL$|_URI$/;

/**
 * A setting's value: `given` (from code) when defined, else the first of `names` that is set in
 * `env` (a variable set to the empty string counts as unset), parsed. Several names are aliases of
 * one setting (the project's own name first, then the names Tina4 documents): when two of them are
 * set to different values, it throws a {@link SessionConfigError} naming both, since either could be
 * the one the operator meant.
 */
export function readSetting<T>(
  env: SettingsEnv,
  names: string | readonly string[],
  parse: ParseSetting<T>,
  given?: T,
): T | undefined {
  if (given !== undefined) return given;
  const found = setVariables(env, typeof names === 'string' ? [names] : names);
  const [first, ...others] = found;
  if (first === undefined) return undefined;
  const disagreeing = others.find((other) => other.value.trim() !== first.value.trim());
  if (disagreeing) {
    const show = (variable: { name: string; value: string }) =>
      SECRET.test(variable.name) ? variable.name : `${variable.name}="${variable.value}"`;
    throw new SessionConfigError(
      `${show(first)} and ${show(disagreeing)} are both set, to different values. They name the same setting: ` +
        `keep one of them (${first.name} is this library's own name).`,
    );
  }
  return parse(first.value, first.name);
}

/** The variables among `names` that are set, in the order of `names`. */
function setVariables(env: SettingsEnv, names: readonly string[]): { name: string; value: string }[] {
  const found: { name: string; value: string }[] = [];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') found.push({ name, value });
  }
  return found;
}
