import type { PostSeed } from './dashboard-env.js';

/** Realistic posts about 示例银行 (and peers) for the dashboard test: one issue per escalation tier. */

const OUR = { institution: 'example_bank', institutionName: '示例银行' } as const;
const SERVICE = { id: 'service_attitude', label: '服务态度', businessLine: 'branch_service', cause: 'service_attitude' };
const LIMIT_CUT = { id: 'credit_limit_cut', label: '信用卡降额', businessLine: 'credit_card', cause: 'credit_limit_cut' };
const WEALTH = { id: 'wealth_loss', label: '理财亏损', businessLine: 'wealth', cause: 'mis_selling' };

export const BRANCH_EVENT = { id: 'evt_e2e_branch', title: '示例银行深圳福田支行服务态度差' };
export const CARD_EVENT = { id: 'evt_e2e_card', title: '示例银行信用卡被无故降额' };
export const WEALTH_EVENT = { id: 'evt_e2e_wealth', title: '示例银行理财产品亏损 投资者质疑误导销售' };

/** L1: one customer's complaint (plus a second post that tries to inject markup). */
export function branchPosts(): PostSeed[] {
  return [
    {
      ...OUR,
      source: 'weibo',
      sourceType: 'social',
      nativeId: '5012345678901234567',
      text: '示例银行深圳福田支行柜员态度太差了，排队两个小时还被甩脸色，留了手机号138****1234也没人回电话😡 #示例银行#',
      author: { key: '7312345678', name: '福田打工人小陈' },
      truncated: true,
      minutesAgo: 25,
      label: 'negative',
      negativePhrases: ['态度太差', '甩脸色'],
      topic: SERVICE,
    },
    {
      ...OUR,
      source: 'heimao',
      sourceType: 'complaint',
      nativeId: '17399012345',
      title: '示例银行网点服务差，投诉无门',
      text: '客服说三天内处理<img src=x onerror="window.__xss=1">结果一周没消息，投诉无门！要求示例银行道歉',
      author: { key: 'hm_88231', name: '黑猫用户88231' },
      minutesAgo: 18,
      label: 'negative',
      negativePhrases: ['投诉无门'],
      topic: SERVICE,
    },
  ];
}

const CARD_TEXTS = [
  '用了五年的示例银行信用卡，额度从5万被降到3千，没有任何通知，打客服只会说综合评估！',
  '示例银行信用卡突然降额，还款从来没逾期过，这是什么操作？',
  '我的示例银行信用卡也被降额了，正在商场刷卡直接被拒，太丢人了',
  '示例銀行信用卡無故降額，客服態度敷衍，要求恢復額度',
  '示例银行信用卡中心无故降额，额度从２万降到５００元，申请复议被拒',
  '和楼上一样，示例银行信用卡被降额，分期还在还就降额，合理吗？',
  '示例银行降额前一点提示都没有，绑定的自动扣款全部失败😤',
  '示例银行信用卡被无故降额并且封卡，投诉了三次都没结果',
  '收到短信示例银行信用卡额度调整为1000元，之前是3.5万，无故降额',
  '示例银行降额太狠了，已经向12378反映，看看怎么处理',
  '示例行信用卡降额一刀切，老客户寒心',
  '示例银行信用卡无故降额，要求给个说法！！！',
];

/** L2: twelve distinct complainants on the same issue across platforms. */
export function cardPosts(): PostSeed[] {
  return CARD_TEXTS.map((text, i) => ({
    ...OUR,
    source: i % 3 === 0 ? 'heimao' : i % 3 === 1 ? 'weibo' : 'jutousu',
    sourceType: i % 3 === 1 ? 'social' : 'complaint',
    nativeId: `card${String(1000 + i)}`,
    text,
    author: {
      key: `card_author_${i}`,
      name: ['王女士', '李先生', '赵同学', '陈小姐', '刘先生', '周女士', '吴先生', '郑女士', '孙先生', '钱女士', '冯先生', '何女士'][i],
    },
    minutesAgo: 200 - i * 10,
    label: 'negative',
    negativePhrases: ['无故降额', '降额', '被拒'],
    topic: LIMIT_CUT,
  }));
}

/** L3: investors complain, then a financial news outlet reports it. */
export function wealthPosts(): PostSeed[] {
  return [
    {
      ...OUR,
      source: 'heimao',
      sourceType: 'complaint',
      nativeId: '17399088001',
      title: '示例银行理财经理误导销售，理财亏损18%',
      text: '理财经理承诺保本，买了示例银行“稳盈”理财产品，现在亏损18%，明显误导销售',
      author: { key: 'hm_10021', name: '黑猫用户10021' },
      minutesAgo: 90,
      label: 'negative',
      negativePhrases: ['误导销售', '亏损'],
      topic: WEALTH,
    },
    {
      ...OUR,
      source: 'weibo',
      sourceType: 'social',
      nativeId: '5012345678909999001',
      text: '示例银行的理财产品净值跌破1，说好的稳健型呢？亏损好几万，心态崩了',
      author: { key: '6623456781', name: '理财小白阿杰' },
      minutesAgo: 70,
      label: 'negative',
      negativePhrases: ['跌破', '亏损'],
      topic: WEALTH,
    },
    {
      ...OUR,
      source: 'rss:people-finance',
      sourceType: 'news',
      nativeId: '40912345',
      title: '多名投资者反映示例银行理财产品亏损 专家提醒警惕误导销售',
      text: '近日，多名投资者向记者反映，其在示例银行购买的“稳盈”系列理财产品出现亏损，部分投资者质疑销售人员存在误导销售行为。',
      author: { key: 'people-finance', name: '人民网财经', isMedia: true },
      minutesAgo: 40,
      label: 'negative',
      negativePhrases: ['亏损', '误导销售'],
      topic: WEALTH,
    },
  ];
}

/** Nine more distinct complainants on the L1 branch issue: promotes it to L2 while the board is open. */
export function branchPilePosts(): PostSeed[] {
  return Array.from({ length: 9 }, (_, i) => ({
    ...OUR,
    source: i % 2 === 0 ? 'weibo' : 'jutousu',
    sourceType: i % 2 === 0 ? 'social' : 'complaint',
    nativeId: `branch_pile_${i}`,
    text: `示例银行福田支行服务态度太差，今天又被甩脸色了（第${i + 2}位投诉）`,
    author: { key: `branch_author_${i}`, name: `福田街坊${i + 1}` },
    minutesAgo: 5,
    label: 'negative' as const,
    negativePhrases: ['态度太差', '甩脸色'],
    topic: SERVICE,
  }));
}

/** A week of background volume for our bank and two peers, spread over sources and labels. */
export function backgroundPosts(): PostSeed[] {
  const banks = [OUR, { institution: 'icbc', institutionName: '工商银行' }, { institution: 'cmb', institutionName: '招商银行' }];
  const labels = ['neutral', 'positive', 'negative', 'neutral'] as const;
  const posts: PostSeed[] = [];
  for (let day = 0; day < 7; day++) {
    for (const [b, bank] of banks.entries()) {
      for (let k = 0; k < 3 + ((day + b) % 3); k++) {
        const label = labels[(day + k + b) % labels.length];
        posts.push({
          ...bank,
          source: k % 2 === 0 ? 'weibo' : 'rss:people-finance',
          sourceType: k % 2 === 0 ? 'social' : 'news',
          nativeId: `bg_${bank.institution}_${day}_${k}`,
          text: `${bank.institutionName}${label === 'positive' ? '手机银行新版本体验不错' : label === 'negative' ? '网点排队太久' : '发布三季度业绩'}（${day}-${k}）`,
          author: { key: `bg_author_${day}_${k}_${b}`, name: `用户${day}${k}${b}` },
          minutesAgo: day * 24 * 60 + 60 + k * 30,
          label,
          negativePhrases: label === 'negative' ? ['排队太久'] : [],
        });
      }
    }
  }
  return posts;
}
