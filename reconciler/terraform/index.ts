// Public surface of the Terraform runner and of environment synthesis.
export { TerraformNotFoundError, TerraformOutputError, TerraformStep, TerraformStepError } from './errors';
export {
  applyInfrastructure,
  applyStatus,
  checkInfrastructureDrift,
  driftStatus,
  InfrastructureOptions,
  InfrastructurePlan,
  InfrastructureSynthError,
  planInfrastructure,
  StatusReport,
} from './infrastructure';
export { formatTerraformSummary, SummaryFormat, TerraformAction, TerraformPlanSummary, TerraformResourceChange } from './plan-summary';
export { TerraformLogger, TerraformRunOptions } from './run-terraform';
export { applyTerraformPlan, checkTerraformDrift, runTerraformPlan, TerraformDriftReport, TerraformPlanResult } from './runner';
export { defaultTerraformSettings, TerraformSettings } from './settings';
export { PreparedEnvironment, preparedEnvironment, prepareEnvironment, synthesizeEnvironments } from './synth-environments';
