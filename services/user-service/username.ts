/**
 * What makes two usernames the same. A username is stored and published in NFC, so one name has
 * one encoding whichever way it was typed (`é` precomposed or as `e` + U+0301). It is unique by its
 * key: NFKC with full case folding, Unicode's compatibility caseless match (`QA-VALID` = `qa-valid`,
 * `STRASSE` = `straße`, fullwidth `ＡＤＡ` = `ada`), so no one can register a name that only looks
 * different from a taken one. The name keeps the case its owner chose.
 */
import { HttpError } from '../common/errors.js';

export interface Username {
  /** Stored and published. */
  name: string;
  /** Unique among users. */
  key: string;
}

export function normaliseUsername(raw: string): Username {
  const name = raw.normalize('NFC');
  if (name.trim() !== name) throw new HttpError(400, 'username must not begin or end with white space');
  return { name, key: usernameKey(name) };
}

/**
 * JavaScript has no case folding: lower, upper, then lower case again reaches full case folding
 * (ẞ -> ß -> SS -> ss, final and medial sigma alike) for all but the Turkic dotted and dotless i.
 */
export function usernameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
}
