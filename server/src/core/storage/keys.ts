// Keys are `<folder>/<name>` of letters, digits, `_`, `-` and `.` (no `..`): a key can never climb
// out of the driver's root, whatever reaches it.
const KEY = /^[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;
const FOLDER = /^[A-Za-z0-9_-]{1,64}$/;

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.includes('..')) throw new Error(`invalid storage key "${key}"`);
}

export function assertFolder(folder: string): void {
  if (!FOLDER.test(folder)) throw new Error(`invalid storage folder "${folder}"`);
}
