/** hub/analysis public API. */
export { Analyzer, createAnalyzer, openAnalyzer, rulePriority, type AnalysisResult, type AnalyzerOptions, type Correction, type LabelDecision, type PostInput, type Task } from './analyzer';
export { AnalysisService, type AnalysisServiceOptions } from './service';
export { FileModelStore, MemoryModelStore, TASKS, parseWorkspaceModel, type ModelStore, type WorkspaceModel } from './model-store';
export { DEFAULT_TAXONOMY, TaxonomySchema, parseTaxonomy, type Taxonomy, type TaxonomyInput } from './taxonomy';
export { evaluate, formatReport, type EvalReport } from './metrics';
