export const MODEL_REGISTRY = Symbol('MODEL_REGISTRY');
export const STORAGE = Symbol('STORAGE');
