/** The part of @asyncapi/generator 3.x (CommonJS, untyped) that asyncapi-reference.ts uses. */
declare module '@asyncapi/generator' {
  interface GeneratorOptions {
    forceWrite?: boolean;
    install?: boolean;
    /** false: render with the template's existing `__transpiled` copy instead of transpiling it again. */
    compile?: boolean;
    templateParams?: Record<string, string>;
  }
  export default class Generator {
    constructor(templateName: string, targetDir: string, options?: GeneratorOptions);
    generateFromFile(asyncapiFile: string): Promise<void>;
  }
}
