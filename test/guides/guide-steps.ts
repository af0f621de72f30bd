/**
 * A guide in docs/guides/ read as a script: its numbered steps, and in each, what a reader does
 * with the code blocks as printed. An HTML comment, invisible when rendered, says it:
 *
 *   <!-- guide: add to asyncapi.yaml under components.schemas -->   the next block, at the end of that mapping
 *   <!-- guide: add to <file> after "<text>" -->                    the next block, after the one line holding <text>
 *   <!-- guide: add to <file> before "<text>" -->                   ... before it
 *   <!-- guide: add to <file> at the end -->                        the next block, at the end of the file
 *   <!-- guide: run <command> -->                                   run it; it must succeed
 *   <!-- guide: <command> prints -->                                the next block is what the command prints
 *
 * Every code block in a guide needs one, so none is left untested by mistake.
 */
import { lexer, type Token, type Tokens } from 'marked';

export type Place = { under: readonly string[] } | { after: string } | { before: string } | { atEnd: true };

export type Action =
  | { kind: 'add'; file: string; place: Place; text: string }
  | { kind: 'run'; command: string }
  | { kind: 'prints'; command: string; text: string };

export interface Step {
  /** `add-an-event.md step 3`, as failures name it. */
  name: string;
  actions: Action[];
}

const ANNOTATION = /<!--\s*guide:\s*(.*?)\s*-->/g;

/** An annotation's action, less the code block it may wait for. */
type Pending = { kind: 'add'; file: string; place: Place } | { kind: 'prints'; command: string };

function placeOf(where: string): Place | undefined {
  if (where === 'at the end') return { atEnd: true };
  const under = /^under (\S+)$/.exec(where);
  if (under?.[1] !== undefined) return { under: under[1].split('.') };
  const anchored = /^(after|before) "(.+)"$/.exec(where);
  if (anchored?.[2] === undefined) return undefined;
  return anchored[1] === 'after' ? { after: anchored[2] } : { before: anchored[2] };
}

function parseAnnotation(text: string, step: string): Pending | Action {
  const add = /^add to (\S+) (.+)$/.exec(text);
  if (add?.[1] !== undefined && add[2] !== undefined) {
    const place = placeOf(add[2]);
    if (place === undefined)
      throw new Error(
        `${step}: "${text}": say where: under <yaml.path>, after "<text>", before "<text>" or at the end`,
      );
    return { kind: 'add', file: add[1], place };
  }
  const run = /^run (.+)$/.exec(text);
  if (run?.[1] !== undefined) return { kind: 'run', command: run[1] };
  const prints = /^(.+) prints$/.exec(text);
  if (prints?.[1] !== undefined) return { kind: 'prints', command: prints[1] };
  throw new Error(`${step}: "${text}" is not a guide comment (add to ..., run ..., ... prints)`);
}

interface Section {
  /** The step's number; undefined for the text between numbered lists. */
  number: number | undefined;
  tokens: Token[];
}

/** The tokens of each numbered step, and of each stretch of text around the steps. */
function sections(tokens: Token[]): Section[] {
  const found: Section[] = [];
  for (const token of tokens) {
    if (token.type === 'list' && (token as Tokens.List).ordered) {
      const list = token as Tokens.List;
      const start = typeof list.start === 'number' ? list.start : 1;
      found.push(...list.items.map((item, index) => ({ number: start + index, tokens: item.tokens })));
    } else if (found.at(-1)?.number === undefined && found.length > 0) {
      found.at(-1)?.tokens.push(token);
    } else {
      found.push({ number: undefined, tokens: [token] });
    }
  }
  return found;
}

/** Depth first, in reading order. */
function flatten(tokens: Token[]): Token[] {
  return tokens.flatMap((token) => {
    const children = 'tokens' in token && Array.isArray(token.tokens) ? token.tokens : [];
    const items = token.type === 'list' ? (token as Tokens.List).items : [];
    return [token, ...flatten(children), ...flatten(items)];
  });
}

/** The steps of a guide's Markdown; `guide` names it in the steps' names and the errors. */
export function guideSteps(markdown: string, guide: string): Step[] {
  return sections(lexer(markdown)).flatMap(({ number, tokens }) => {
    const name = number === undefined ? `${guide} (outside the numbered steps)` : `${guide} step ${number}`;
    const actions: Action[] = [];
    let pending: Pending | undefined;
    for (const token of flatten(tokens)) {
      if (token.type === 'html') {
        for (const [, text = ''] of token.raw.matchAll(ANNOTATION)) {
          if (pending !== undefined)
            throw new Error(`${name}: "${text}" comes before the code block of the previous guide comment`);
          const parsed = parseAnnotation(text, name);
          if (parsed.kind === 'run') actions.push(parsed);
          else pending = parsed;
        }
      } else if (token.type === 'code') {
        if (pending === undefined)
          throw new Error(
            `${name}: a code block without a <!-- guide: ... --> comment before it saying what it is for`,
          );
        actions.push({ ...pending, text: (token as Tokens.Code).text });
        pending = undefined;
      }
    }
    if (pending !== undefined) throw new Error(`${name}: a guide comment with no code block after it`);
    return number === undefined && actions.length === 0 ? [] : [{ name, actions }];
  });
}
