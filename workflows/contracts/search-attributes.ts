import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes of jobs (registered by the local stack; see docker/local/services.ts). */
export const AnvilPipeline = defineSearchAttributeKey('AnvilPipeline', SearchAttributeType.KEYWORD);
export const AnvilStage = defineSearchAttributeKey('AnvilStage', SearchAttributeType.KEYWORD);
export const AnvilInputKey = defineSearchAttributeKey('AnvilInputKey', SearchAttributeType.KEYWORD);

/** `name=Type` pairs for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  AnvilPipeline: 'Keyword',
  AnvilStage: 'Keyword',
  AnvilInputKey: 'Keyword',
};
