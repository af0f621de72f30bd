/**
 * `tsc --noEmit --project <tsconfig>` kept warm between runs: the TypeScript builder API re-checks
 * only the files a change can affect, and source files whose text did not change are reused
 * (parsed once). Each `check()` re-reads the config, so files the generator adds or removes count.
 */
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

export interface TypeCheckResult {
  /** The compiler's errors, formatted `file(line,col): error TSnnnn: message`, paths relative to the project. */
  errors: string[];
}

export class IncrementalTypeCheck {
  private builder: ts.SemanticDiagnosticsBuilderProgram | undefined;
  private readonly sourceFiles = new Map<string, { text: string; file: ts.SourceFile }>();

  private readonly configPath: string;

  constructor(configPath: string) {
    this.configPath = resolve(configPath);
  }

  check(): TypeCheckResult {
    const config = this.readConfig();
    if (!('fileNames' in config)) return config;
    const host = this.compilerHost(config.options);
    this.builder = ts.createSemanticDiagnosticsBuilderProgram(config.fileNames, config.options, host, this.builder);
    const program = this.builder;
    const diagnostics = [
      ...program.getConfigFileParsingDiagnostics(),
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSyntacticDiagnostics(),
      ...program.getSemanticDiagnostics(),
    ];
    this.forgetFilesNotIn(program.getProgram());
    return { errors: diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => this.format(d)) };
  }

  private readConfig(): ts.ParsedCommandLine | TypeCheckResult {
    let unrecoverable: ts.Diagnostic | undefined;
    const parsed = ts.getParsedCommandLineOfConfigFile(
      this.configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => (unrecoverable = diagnostic),
      },
    );
    if (parsed === undefined || unrecoverable !== undefined) {
      return {
        errors: [unrecoverable ? this.format(unrecoverable) : `${this.configPath}: cannot read the TypeScript project`],
      };
    }
    return parsed;
  }

  /**
   * The incremental host (it stamps each source file with a hash of its text, which the builder
   * compares), but a file whose text is unchanged comes back as the same, already parsed, SourceFile.
   */
  private compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
    const host = ts.createIncrementalCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const text = host.readFile(fileName);
      const known = this.sourceFiles.get(fileName);
      if (text !== undefined && known?.text === text) return known.file;
      const file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
      if (file !== undefined && text !== undefined) this.sourceFiles.set(fileName, { text, file });
      return file;
    };
    return host;
  }

  private forgetFilesNotIn(program: ts.Program): void {
    const used = new Set(program.getSourceFiles().map((file) => file.fileName));
    for (const fileName of this.sourceFiles.keys()) if (!used.has(fileName)) this.sourceFiles.delete(fileName);
  }

  private format(diagnostic: ts.Diagnostic): string {
    return ts
      .formatDiagnostic(diagnostic, {
        getCanonicalFileName: (fileName) => fileName,
        getCurrentDirectory: () => dirname(this.configPath),
        getNewLine: () => '\n',
      })
      .trimEnd();
  }
}
