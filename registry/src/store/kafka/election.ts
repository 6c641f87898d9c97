/**
 * Election of the primary through Kafka's group coordinator: every registry process joins one consumer
 * group; the coordinator names exactly one member per generation as the group leader, and the leader is the
 * primary. Each member's id is the broker's `<clientId>-<uuid>` and the client id carries the member's URL,
 * so every member reads the primary's URL off the leader id it receives with each generation. Partitions
 * are assigned to nobody (the assigner hands out empty assignments): the group is only for membership.
 *
 * The election says who should write; it does not make writes safe. That is the transactional producer's
 * job (writer.ts): a new primary's producer fences every older one at the broker, whatever this process
 * still believes about its role.
 */
import kafkajs, { type Consumer, type Kafka, type PartitionAssigner } from 'kafkajs';

const { AssignerProtocol } = kafkajs;

export interface Role {
  primary: boolean;
  /** The primary's advertised URL; undefined until a generation has been joined. */
  primaryUrl: string | undefined;
  generation: number;
}

const CLIENT_PREFIX = 'schemata ';
const PROTOCOL = 'schemata-primary';
// The broker appends '-' and a UUID (36 characters) to the client id.
const MEMBER_SUFFIX = 37;

export const urlOfMember = (memberId: string): string | undefined =>
  memberId.startsWith(CLIENT_PREFIX) && memberId.length > CLIENT_PREFIX.length + MEMBER_SUFFIX
    ? memberId.slice(CLIENT_PREFIX.length, -MEMBER_SUFFIX)
    : undefined;

const emptyAssigner: PartitionAssigner = () => ({
  name: PROTOCOL,
  version: 1,
  protocol: ({ topics }) => ({ name: PROTOCOL, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) }),
  assign: async ({ members }) =>
    members.map((m) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.alloc(0) }),
    })),
});

export interface ElectionOptions {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  onRole(role: Role): void;
  onError(message: string, err: unknown): void;
}

export class Election {
  private consumer: Consumer | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private url: string | undefined;
  role: Role = { primary: false, primaryUrl: undefined, generation: 0 };

  constructor(
    private readonly createKafka: (clientId: string) => Kafka,
    private readonly options: ElectionOptions,
  ) {}

  async join(url: string): Promise<void> {
    this.stopped = false;
    this.url = url;
    const consumer = this.createKafka(`${CLIENT_PREFIX}${url}`).consumer({
      groupId: this.options.groupId,
      partitionAssigners: [emptyAssigner],
      sessionTimeout: this.options.sessionTimeoutMs,
      rebalanceTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.options.sessionTimeoutMs / 6)),
      maxWaitTimeInMs: 500,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3_000 },
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        this.role = { primary: payload.isLeader, primaryUrl: urlOfMember(payload.leaderId), generation: this.role.generation + 1 };
        this.options.onRole(this.role);
        resolve();
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.onError('Kafka election member stopped; rejoining', payload.error);
      this.stepDown();
      if (!payload.restart) this.scheduleRejoin(url, consumer);
    });
    consumer.on(consumer.events.STOP, () => this.stepDown());
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topic });
    await consumer.run({ autoCommit: false, eachBatch: async () => {} });
    await joined;
  }

  /** Forgets being primary (until the next generation says otherwise), e.g. when the producer was fenced. */
  stepDown(): void {
    if (!this.role.primary) return;
    this.role = { ...this.role, primary: false, primaryUrl: undefined };
    this.options.onRole(this.role);
  }

  /** Leaves the group and joins again (a new generation, a leader named afresh). */
  rejoin(): void {
    if (this.url && this.consumer) this.scheduleRejoin(this.url, this.consumer);
  }

  private scheduleRejoin(url: string, crashed: Consumer): void {
    if (this.stopped || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void crashed.disconnect().catch(() => {});
      if (!this.stopped) this.join(url).catch((e: unknown) => {
        this.options.onError('Kafka election could not rejoin; retrying', e);
        this.scheduleRejoin(url, this.consumer!);
      });
    }, 1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.stepDown();
    await this.consumer?.disconnect().catch(() => {});
  }
}
