import { validationError } from '../errors/bedrock-errors.js';
import { findCatalogEntry } from './catalog.js';
import { calledThroughProfile } from './feature-checks.js';
import { findFoundationModel, type FoundationModelDefinition } from './foundation-models.js';
import type { ResolvedModel } from './registry.js';

/**
 * The service tier and latency a request is served at. Bedrock reports what it actually used, not what was
 * asked: latency-optimized inference falls back to `standard` for models (and ids) that have no optimized
 * variant, and a tier the model is not offered in is served as `default`.
 */

/**
 * The latency a request is served at: `optimized` only for the models AWS lists (catalog `latencyOptimized`)
 * called through an inference profile; `undefined` when the request named none (nothing is echoed then).
 *
 * @example
 * servedLatency(runtime.models.resolve('us.amazon.nova-pro-v1:0'), 'optimized'); // 'optimized'
 * servedLatency(runtime.models.resolve('amazon.nova-lite-v1:0'), 'optimized'); // 'standard'
 */
export function servedLatency(model: ResolvedModel, requested: string | undefined): 'standard' | 'optimized' | undefined {
  if (requested === undefined) return undefined;
  if (requested !== 'optimized') return 'standard';
  return findCatalogEntry(model.baseModelId)?.latencyOptimized === true && calledThroughProfile(model) ? 'optimized' : 'standard';
}

/**
 * The tier a request is served at: the one asked for (`default` when none), or `default` when the model's
 * foundation-model line lists its tiers and that one is missing. `reserved` needs a reservation: unless the
 * line lists `reserved`, the service's "Reservation not found." `ValidationException`.
 *
 * @example
 * servedServiceTier(runtime.foundationModels, model, undefined); // 'default'
 * servedServiceTier(runtime.foundationModels, model, 'flex'); // 'flex'
 */
export function servedServiceTier(foundationModels: readonly FoundationModelDefinition[], model: ResolvedModel, requested: string | undefined): string {
  const tiers = findFoundationModel(foundationModels, model.baseModelId)?.serviceTiers;
  const tier = requested ?? 'default';
  if (tier === 'reserved' && !tiers?.includes('reserved')) throw validationError('Reservation not found.');
  if (tiers && !tiers.includes(tier as (typeof tiers)[number])) return 'default';
  return tier;
}

/** The service-tier and latency members of a Converse response (and ConverseStream's `metadata` event). */
export interface ServedPerformance {
  serviceTier: { type: string };
  performanceConfig?: { latency: string };
}

/**
 * What Converse reports it served: `serviceTier` always (`default` when none was asked for), `performanceConfig`
 * when the request named a latency.
 *
 * @example
 * Object.assign(parsed.response, servedConversePerformance(runtime.foundationModels, model, parsed.response));
 */
export function servedConversePerformance(
  foundationModels: readonly FoundationModelDefinition[],
  model: ResolvedModel,
  requested: { serviceTier?: { type: string }; performanceConfig?: { latency: string } },
): ServedPerformance {
  const latency = servedLatency(model, requested.performanceConfig?.latency);
  return {
    serviceTier: { type: servedServiceTier(foundationModels, model, requested.serviceTier?.type) },
    ...(latency ? { performanceConfig: { latency } } : {}),
  };
}
