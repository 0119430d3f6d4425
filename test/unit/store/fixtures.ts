import type { Analysis, Case, Event, Mention, Notification, SentimentLabel, SourceType } from '../../../lib/domain.js';
import { buildAnalysis, buildCase, buildEvent, buildMention, buildNotification, plus } from '../../fixtures/builders.js';

export interface MentionSpec {
  source?: string;
  sourceType?: SourceType;
  nativeId: string;
  text: string;
  title?: string;
  author?: string;
  isMedia?: boolean;
  publishedAt: string;
  contentHash?: string;
}

export function mention(spec: MentionSpec): Mention {
  const source = spec.source ?? 'weibo';
  const author = spec.author ?? `u${spec.nativeId}`;
  const m = buildMention(source, spec.nativeId, spec.text, spec.publishedAt, {
    sourceType: spec.sourceType ?? 'social',
    author: { key: author, name: `用户${author}`, isMedia: spec.isMedia ?? false, followers: 120 },
    contentHash: spec.contentHash ?? `h-${source}-${spec.nativeId}`,
    metrics: { reposts: 1, comments: 2, likes: 3 },
  });
  if (spec.title) m.title = spec.title;
  return m;
}

export interface AnalysisSpec {
  label?: SentimentLabel;
  tokens: string[];
  institution?: string;
  topics?: string[];
  displayText?: string;
  regulator?: boolean;
  rumour?: boolean;
}

export function analysis(m: Mention, spec: AnalysisSpec): Analysis {
  const label = spec.label ?? 'negative';
  const institution = spec.institution ?? 'icbc';
  return buildAnalysis(m, spec.tokens, {
    sentiment: { label, score: label === 'negative' ? 0.9 : label === 'positive' ? 0.1 : 0.5 },
    institutions: [{ id: institution, name: '工商银行', matched: '工行', sentiment: label }],
    primaryInstitution: institution,
    topics: (spec.topics ?? ['service_attitude']).map((id) => ({ id, label: id, businessLine: 'branch_service', cause: id, phrases: [] })),
    severity: {
      regulatorMentioned: spec.regulator ?? false,
      regulators: spec.regulator ? ['金融监管总局'] : [],
      collectiveAction: false,
      reach: 10,
      runRumour: spec.rumour ?? false,
    },
    displayText: spec.displayText ?? m.text,
  });
}

export function event(id: string, at: string, institution = 'icbc'): Event {
  return buildEvent(id, at, { institution });
}

export function kase(id: string, eventId: string, openedAt: string, over: Partial<Case> = {}): Case {
  return buildCase(id, eventId, openedAt, over);
}

export function notification(id: string, caseId: string, key: string, at: string): Notification {
  return buildNotification(id, caseId, key, at);
}

/** Adds minutes to an ISO instant. */
export { plus };
