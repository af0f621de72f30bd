/** What a toolchain measure reports: its figures, or why there are none. */
export interface NotMeasured {
  status: 'not available' | 'failed' | 'skipped';
  note: string;
}

export type Outcome<Figures> = ({ status: 'measured' } & Figures) | NotMeasured;
