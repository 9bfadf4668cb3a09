import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertFolder, assertKey } from './keys.ts';
import type { Storage } from './storage.ts';

/**
 * Files under `root` (DATA_DIR/media), spread over 4,096 folders by the key's first two characters
 * so no folder grows past what a file system lists quickly. Writes go to a temporary name first and
 * are renamed into place: a reader never sees half a file.
 */
export function createLocalDiskStorage(root: string): Storage {
  const folderPath = (folder: string) => path.join(root, folder.slice(0, 2), folder);
  const filePath = (key: string) => {
    assertKey(key);
    const [folder, name] = key.split('/') as [string, string];
    return path.join(folderPath(folder), name);
  };

  return {
    driver: 'local',
    async put(key, body) {
      const target = filePath(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, body);
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = filePath(key);
      try {
        const { size } = await stat(file);
        return { body: createReadStream(file), size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(keys) {
      const folders = new Set<string>();
      for (const key of keys) {
        await rm(filePath(key), { force: true });
        folders.add(path.dirname(filePath(key)));
      }
      // An emptied folder goes too; one still holding files stays (rmdir refuses it).
      for (const folder of folders) await rmdir(folder).catch(() => undefined);
    },
    async list(folder) {
      assertFolder(folder);
      try {
        const names = await readdir(folderPath(folder));
        return names.filter((name) => !name.endsWith('.tmp')).map((name) => `${folder}/${name}`).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    async close() {},
  };
}
