/**
 * Runs `action` after each save of `file`: once per burst of writes (editors truncate, write and
 * rename), never two at a time, and once more after a run if the file changed during it.
 */
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface SaveWatcher {
  close(): void;
}

/** Editors save in bursts: wait this long after the last event before acting. */
const SETTLE_MS = 30;

/** With `runNow`, `action` also runs at once, as if the file had just been saved. */
export function onSave(file: string, action: () => Promise<void>, { runNow = false } = {}): SaveWatcher {
  let running = false;
  let pending = false;
  let timer: NodeJS.Timeout | undefined;

  const run = async (): Promise<void> => {
    if (running) {
      pending = true;
      return;
    }
    running = true;
    try {
      do {
        pending = false;
        await action();
      } while (pending);
    } finally {
      running = false;
    }
  };

  const name = basename(file);
  // The directory, not the file: an editor that saves by renaming replaces the file being watched.
  const watcher = watch(dirname(file), (_event, changed) => {
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), SETTLE_MS);
  });
  if (runNow) void run();
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
