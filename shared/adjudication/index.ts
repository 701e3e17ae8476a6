/** Adjudication into the gold layer: disagreement regions, the pre-merge rule and decisions (see README.md). */
export { DEFAULT_RULE, adjudicable, content, regionsOf } from './regions.ts';
export type { AdjudicationRule, Disagreement, DisagreementKind, LayerInput, Member, Region } from './regions.ts';
export {
  acceptVersion,
  isSettled,
  mergeVersions,
  openDisagreements,
  preMerge,
  quorum,
  rejectRegion,
  usedSources,
} from './gold.ts';
export type { Decider, GoldState, PreMerge } from './gold.ts';
