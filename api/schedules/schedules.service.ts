import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { ModelRegistry } from '../../activities/inference/models/registry';
import { outboundUrlProblem } from '../../activities/net/egress-check';
import { egressPolicyFromEnv } from '../../activities/net/egress-policy';
import { scheduleSigningId, type BatchScanInput, type BatchScanWorkflow } from '../../workflows/contracts';
import { API_ENV, type ApiEnv } from '../env';
import { webhookView } from '../jobs/job-webhook';
import { MODEL_REGISTRY } from '../shared/tokens';
import { TEMPORAL_CLIENT } from '../temporal/temporal.module';
import type { BackfillDto, CreateScheduleDto, OverlapPolicy, ScheduleActionDto, UpdateScheduleDto } from './dto/schedule.dto';
import { buildBatchInput, buildPolicies, buildSpec, formatDuration, specProblems } from './schedule-options';
import { toScheduleSummaryView, toScheduleView, type ScheduleView, type UiLinks } from './schedule-view';

/** Schedules of batch scans, kept by Temporal Schedules (durable cron with overlap policies and backfill). */
@Injectable()
export class SchedulesService {
  private readonly ui: UiLinks;

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(MODEL_REGISTRY) private readonly models: ModelRegistry,
  ) {
    const ns = `${env.TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}`;
    this.ui = { schedule: (id) => `${ns}/schedules/${encodeURIComponent(id)}`, workflow: (id) => `${ns}/workflows/${encodeURIComponent(id)}` };
  }

  async create(dto: CreateScheduleDto): Promise<ScheduleView> {
    const input = await this.batchInput(dto.action, specProblems(dto.spec));
    const scheduleId = dto.id ?? `scan-${randomUUID().slice(0, 8)}`;
    try {
      await this.client.schedule.create<BatchScanWorkflow>({
        scheduleId,
        spec: buildSpec(dto.spec),
        action: this.action(scheduleId, input),
        policies: buildPolicies(dto.policies),
        state: { paused: dto.paused ?? false, ...(dto.note ? { note: dto.note } : {}) },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new ConflictException(`schedule '${scheduleId}' exists already; PATCH it or choose another id`);
      throw invalidArgument(err);
    }
    return this.withWebhookSecret(await this.get(scheduleId), input);
  }

  async list(): Promise<{ schedules: ScheduleView[] }> {
    const schedules: ScheduleView[] = [];
    for await (const s of this.client.schedule.list({ pageSize: 100 })) {
      schedules.push(toScheduleSummaryView(s, this.ui));
      if (schedules.length >= 1000) break;
    }
    return { schedules };
  }

  async get(id: string): Promise<ScheduleView> {
    return toScheduleView(await this.describe(id), this.ui);
  }

  async update(id: string, dto: UpdateScheduleDto): Promise<ScheduleView> {
    const input = dto.action ? await this.batchInput(dto.action, dto.spec ? specProblems(dto.spec) : []) : undefined;
    if (!dto.action && dto.spec) {
      const problems = specProblems(dto.spec);
      if (problems.length) throw new BadRequestException(problems);
    }
    await this.describe(id); // 404 first
    try {
      await this.handle(id).update<BatchScanWorkflow>((prev) => ({
        spec: dto.spec ? buildSpec(dto.spec) : prev.spec,
        action: input ? this.action(id, input) : (prev.action as ReturnType<SchedulesService['action']>),
        policies: dto.policies
          ? buildPolicies({
              overlap: dto.policies.overlap ?? prev.policies.overlap,
              catchupWindow: dto.policies.catchupWindow ?? formatDuration(prev.policies.catchupWindow),
              pauseOnFailure: dto.policies.pauseOnFailure ?? prev.policies.pauseOnFailure,
            })
          : prev.policies,
        state: prev.state,
      }));
    } catch (err) {
      throw invalidArgument(err);
    }
    return this.withWebhookSecret(await this.get(id), input);
  }

  async pause(id: string, note?: string): Promise<ScheduleView> {
    await this.call(id, (h) => h.pause(note ?? 'paused through the API'));
    return this.get(id);
  }

  async unpause(id: string, note?: string): Promise<ScheduleView> {
    await this.call(id, (h) => h.unpause(note ?? 'unpaused through the API'));
    return this.get(id);
  }

  async trigger(id: string, overlap?: OverlapPolicy): Promise<ScheduleView> {
    await this.call(id, (h) => h.trigger(overlap));
    return this.get(id);
  }

  async backfill(id: string, dto: BackfillDto): Promise<ScheduleView> {
    const start = new Date(dto.start);
    const end = new Date(dto.end);
    if (!(start < end)) throw new UnprocessableEntityException('backfill start must be before end');
    await this.call(id, (h) => h.backfill({ start, end, overlap: dto.overlap ?? 'ALLOW_ALL' }));
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.call(id, (h) => h.delete());
  }

  /**
   * The schedule's runs start its jobs, whose ids it cannot know now: their webhooks are all signed with the
   * secret derived for the schedule's id (`schedule:<id>`), which the answer of create/update shows once.
   */
  private action(scheduleId: string, input: BatchScanInput) {
    const webhook = input.webhook && { ...input.webhook, signingId: scheduleSigningId(scheduleId) };
    return {
      type: 'startWorkflow' as const,
      workflowType: 'batchScanWorkflow',
      args: [{ ...input, ...(webhook ? { webhook } : {}) }] as [BatchScanInput],
      taskQueue: this.env.PIPELINE_TASK_QUEUE,
      // Temporal appends the scheduled time, so every run has its own id: batch-<schedule>-<time>.
      workflowId: `batch-${scheduleId}`,
    };
  }

  /** The answer of a create or update that sets a webhook: the only place its secret is shown. */
  private withWebhookSecret(view: ScheduleView, input: BatchScanInput | undefined): ScheduleView {
    const webhook = input?.webhook && webhookView(this.env.WEBHOOK_SECRET, { ...input.webhook, signingId: scheduleSigningId(view.id) });
    return webhook ? { ...view, webhook } : view;
  }

  private async batchInput(action: ScheduleActionDto, problems: string[]): Promise<BatchScanInput> {
    const { input, problems: more } = buildBatchInput(action, this.env, this.models);
    const all = [...problems, ...more];
    if (action.webhook) {
      const problem = await outboundUrlProblem(action.webhook.url, egressPolicyFromEnv(this.env), 'action.webhook.url');
      if (problem) all.push(problem);
    }
    if (all.length) throw new BadRequestException(all);
    return input;
  }

  private handle(id: string): ScheduleHandle {
    return this.client.schedule.getHandle(id);
  }

  private async describe(id: string) {
    try {
      return await this.handle(id).describe();
    } catch (err) {
      throw notFound(err, id);
    }
  }

  private async call(id: string, fn: (h: ScheduleHandle) => Promise<void>): Promise<void> {
    try {
      await fn(this.handle(id));
    } catch (err) {
      throw notFound(err, id);
    }
  }
}

function notFound(err: unknown, id: string): unknown {
  return err instanceof ScheduleNotFoundError ? new NotFoundException(`schedule '${id}' does not exist`) : err;
}

/** The server refuses what it cannot parse (a cron expression it does not understand): the user's to fix. */
function invalidArgument(err: unknown): unknown {
  // The schedule client turns gRPC INVALID_ARGUMENT into a TypeError carrying the server's message.
  return err instanceof TypeError ? new BadRequestException(`Temporal refused the schedule: ${err.message}`) : err;
}
