import type { Model } from '../model/types.js';

/** One file of the generated tree. */
export interface GeneratedFile {
  /** POSIX path relative to the output directory: `services/matching-service.ts`. */
  path: string;
  content: string;
}

/** A pure function from the model to the files of one concern. */
export type Emitter = (model: Model) => GeneratedFile[] | Promise<GeneratedFile[]>;
