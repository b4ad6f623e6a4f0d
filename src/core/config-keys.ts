import type { Problem } from './validation';

/**
 * ConfigMap and Secret keys, as the API server checks them (IsConfigMapKey): one rule for every
 * place a key is given (config, configFrom, ConfigSource, ExternalSecret data, EnvValue.fromSecret,
 * credentials keys) and for the policy rule api-config-data.
 */

/** What a ConfigMap or Secret key may be. */
export const CONFIG_KEY_ALLOWED = "letters, digits, '-', '_' and '.', at most 253 characters; not '.' or '..', and not starting with '..'";

const KEY_CHARS = /^[-._a-zA-Z0-9]+$/;
const MAX_LENGTH = 253;

/** The fix of an invalid key that names a key of an existing Secret (credentials), which a rename would not find. */
export const HELD_KEY_FIX = 'write the key as the Secret holds it (kubectl get secret <name> -o jsonpath={.data} lists them)';

/** Whether `key` is a valid ConfigMap or Secret key. */
export function isConfigKey(key: string): boolean {
  // '.' and '..' would be directories where a volume mounts keys as files; the kubelet keeps its own '..data'.
  return KEY_CHARS.test(key) && key.length <= MAX_LENGTH && key !== '.' && !key.startsWith('..');
}

/**
 * What is wrong with `key` as a ConfigMap or Secret key, or undefined: `message` in the words of
 * where it is ('has an invalid key' for a key of a map, 'is not a valid Secret key' for a value),
 * CONFIG_KEY_ALLOWED, and `configKeyFix` unless `fix` fits better (a key an existing Secret holds).
 */
export function configKeyProblem(key: string, message = 'has an invalid key', fix?: string): Problem | undefined {
  return isConfigKey(key) ? undefined : { message, allowed: CONFIG_KEY_ALLOWED, fix: fix ?? configKeyFix(key) };
}

/** The fix of an invalid ConfigMap or Secret key: spaces, '/' and other characters made '-', no leading '..'. */
export function configKeyFix(k: string): string {
  const trim = (x: string) => x.replace(/^-+|-+$/g, '');
  let near = trim(k.replace(/[^-._a-zA-Z0-9]+/g, '-'));
  if (near.startsWith('..')) near = trim(near.replace(/^\.+/, ''));
  near = near.slice(0, MAX_LENGTH);
  return near !== k && isConfigKey(near) ? `write '${near}'` : "use letters, digits, '-', '_' and '.', e.g. 'app.properties'";
}
