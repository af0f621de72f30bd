/** How the guide test reads a guide, pastes its blocks and compares what commands print: each bad case names what and where. */
import { describe, expect, it } from 'vitest';
import { addText } from './add-text.js';
import { guideSteps } from './guide-steps.js';
import { printedMismatch } from './printed-output.js';

const fence = '```';

describe('guideSteps', () => {
  it("reads each numbered step's comments and blocks, in order, as printed", () => {
    const markdown = [
      '# A guide',
      '',
      '1. Add the exchange:',
      '   <!-- guide: add to asyncapi.yaml under components.x-exchanges -->',
      `   ${fence}yaml`,
      '       questionEvents:',
      '         name: question.events',
      `   ${fence}`,
      '2. Generate, then type-check:',
      '   <!-- guide: run npm run generate -->',
      '   <!-- guide: npm run typecheck prints -->',
      `   ${fence}`,
      '   error TS2345: ...',
      `   ${fence}`,
      '   and implement it:',
      '   <!-- guide: add to services/a.ts after "sessionEnded:" -->',
      `   ${fence}ts`,
      '         questionCreated: () => undefined,',
      `   ${fence}`,
      '3. Deploy.',
    ].join('\n');
    expect(guideSteps(markdown, 'a.md')).toEqual([
      {
        name: 'a.md step 1',
        actions: [
          {
            kind: 'add',
            file: 'asyncapi.yaml',
            place: { under: ['components', 'x-exchanges'] },
            text: '    questionEvents:\n      name: question.events',
          },
        ],
      },
      {
        name: 'a.md step 2',
        actions: [
          { kind: 'run', command: 'npm run generate' },
          { kind: 'prints', command: 'npm run typecheck', text: 'error TS2345: ...' },
          {
            kind: 'add',
            file: 'services/a.ts',
            place: { after: 'sessionEnded:' },
            text: '      questionCreated: () => undefined,',
          },
        ],
      },
      { name: 'a.md step 3', actions: [] },
    ]);
  });

  it.each([
    [
      'a block nothing says the use of',
      `1. Paste:\n   ${fence}yaml\n   a: 1\n   ${fence}\n`,
      'a.md step 1: a code block without a <!-- guide: ... --> comment',
    ],
    [
      'a comment with no block',
      '1. Paste:\n   <!-- guide: add to asyncapi.yaml at the end -->\n2. Next.\n',
      'a.md step 1: a guide comment with no code block after it',
    ],
    [
      'an unknown comment',
      `1. Paste:\n   <!-- guide: paste it -->\n   ${fence}\n   a\n   ${fence}\n`,
      'a.md step 1: "paste it" is not a guide comment',
    ],
    [
      'a place it cannot find',
      `1. Paste:\n   <!-- guide: add to a.ts somewhere -->\n   ${fence}\n   a\n   ${fence}\n`,
      'a.md step 1: "add to a.ts somewhere": say where',
    ],
    [
      'a block outside the steps',
      `Intro.\n\n${fence}\na\n${fence}\n`,
      'a.md (outside the numbered steps): a code block without',
    ],
  ])('refuses %s, naming the step', (_case, markdown, error) => {
    expect(() => guideSteps(markdown, 'a.md')).toThrow(error);
  });
});

describe('addText', () => {
  const yaml = 'components:\n  x-exchanges:\n    userEvents:\n      name: user.events\n\n  x-queues: {}\n';

  it('adds a block at the end of a YAML mapping, as printed', () => {
    expect(
      addText(yaml, { under: ['components', 'x-exchanges'] }, '    questionEvents:\n      name: question.events'),
    ).toBe(
      'components:\n  x-exchanges:\n    userEvents:\n      name: user.events\n    questionEvents:\n      name: question.events\n\n  x-queues: {}\n',
    );
  });

  it('adds beside the one line holding the anchor, or at the end of the file', () => {
    const code = 'a,\n  sessionEnded: f,\nb\n';
    expect(addText(code, { after: 'sessionEnded:' }, '  questionCreated: g,')).toBe(
      'a,\n  sessionEnded: f,\n  questionCreated: g,\nb\n',
    );
    expect(addText(code, { before: 'sessionEnded:' }, '  questionCreated: g,')).toBe(
      'a,\n  questionCreated: g,\n  sessionEnded: f,\nb\n',
    );
    expect(addText(code, { atEnd: true }, 'export const c = 1;')).toBe(
      'a,\n  sessionEnded: f,\nb\n\nexport const c = 1;\n',
    );
  });

  it.each([
    [
      'a block indented one level too shallow',
      yaml,
      { under: ['components', 'x-exchanges'] },
      '  questionEvents:\n    name: q',
      'questionEvents did not land under components.x-exchanges',
    ],
    [
      'a block indented one level too deep',
      yaml,
      { under: ['components', 'x-exchanges'] },
      '      questionEvents:\n        name: q',
      'does not fit under components.x-exchanges',
    ],
    [
      'a mapping the file does not have',
      yaml,
      { under: ['components', 'schemas'] },
      '    A: {}',
      'the file has no mapping components.schemas',
    ],
    ['an anchor on two lines', 'x: 1\nx: 2\n', { after: 'x:' }, 'y', '"x:" is on 2 lines of the file, not one'],
    ['an anchor on none', 'x: 1\n', { before: 'z:' }, 'y', '"z:" is on 0 lines of the file, not one'],
  ] as const)('refuses %s', (_case, content, place, block, error) => {
    expect(() => addText(content, place, block)).toThrow(error);
  });
});

describe('printedMismatch', () => {
  const output = [
    '> peerprep-messaging@0.1.0 typecheck',
    '> tsc --noEmit',
    "a.ts(11,5): error TS2345: Argument of type '{ a: (x: A) => void; b: (y: B) => void; }' is not assignable to parameter of type 'H'.",
    "  Property 'c' is missing in type '{ a: ...; b: ...; }' but required in type 'H'.",
    'npm error Lifecycle script `typecheck` failed with error:',
    'npm error code 2',
  ].join('\n');
  const printed =
    "a.ts(11,5): error TS2345: Argument of type '{ a: ...; b: ...; }' is not assignable to parameter of type 'H'.\n  Property 'c' is missing in type '{ a: ...; b: ...; }' but required in type 'H'.";

  it("accepts the printed lines, `...` standing for what the guide leaves out, without npm's own lines", () => {
    expect(printedMismatch(printed, output)).toBeUndefined();
  });

  it('names a printed line the command does not print (a changed line number)', () => {
    expect(printedMismatch(printed.replace('(11,5)', '(12,5)'), output)).toBe(
      `it does not print, in this order:\n${printed.split('\n')[0]?.replace('(11,5)', '(12,5)')}`,
    );
  });

  it('names the errors the guide does not show', () => {
    const more = `${output}\nb.ts(1,1): error TS2304: Cannot find name 'x'.`;
    expect(printedMismatch(printed, more)).toBe(
      "it also prints errors the guide does not show:\nb.ts(1,1): error TS2304: Cannot find name 'x'.",
    );
  });
});
