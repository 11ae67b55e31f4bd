#!/usr/bin/env python3
"""Write datasets/ja/conversations/* (JSON Lines, WebVTT, SRT) and labels.json.

Each transcript is hand-written below as turns: (speaker, text, gap_before_seconds, labels[, duration]).
Start/end times are computed: start = previous end + gap; end = start + duration, where the default
duration is a speaking rate of about 5.5 characters per second (min 1.2 s).  Labels are the behaviours
a careful supervisor would mark on that customer turn; labels.json is derived from them plus the
conversation-level facts given per transcript.  Standard library only.
"""
from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "ja" / "conversations"
C, S = "customer", "staff"


def timed(turns):
    t, out = 0.0, []
    for turn in turns:
        spk, text, gap, labels = turn[:4]
        dur = turn[4] if len(turn) > 4 else max(1.2, round(len(text) / 5.5, 1))
        start = round(t + gap, 1)
        end = round(start + dur, 1)
        out.append({"speaker": spk, "text": text, "start": start, "end": end, "_labels": labels})
        t = end
    return out


def ts_vtt(x):
    h, r = divmod(x, 3600)
    m, s = divmod(r, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def ts_srt(x):
    return ts_vtt(x).replace(".", ",")


CONVS = []

# 1. Escalating phone call past 30 minutes, same demand repeated (call centre, home appliance)
CONVS.append(dict(
    file="c01_call_long_repeated_demand.jsonl", fmt="jsonl",
    setting="家電メーカーのコールセンター（電話）", repeated_demand=True, escalation=True,
    repeated_demand_text="全額返金に加えて慰謝料十万円",
    summary_ja="冷蔵庫の故障。修理・交換の提案を拒み、同じ要求（全額返金＋慰謝料十万円）を三十分以上繰り返し、電話を切らせず、SNSへの書き込みと毎日の電話を予告し、最後は暴言。",
    turns=[
        (S, "お電話ありがとうございます。サクラ電機お客様相談室、担当の川口でございます。", 0, []),
        (C, "あのさ、先月買った冷蔵庫、もう冷えなくなってるんだけど。", 0.8, []),
        (S, "大変ご迷惑をおかけしております。お手数ですが、製造番号を教えていただけますでしょうか。", 0.6, []),
        (C, "番号？ ちょっと待って。……SR-4410の、えーと、B2231。", 1.0, [], 25),
        (S, "ありがとうございます。保証期間内ですので、無償で修理、または同等品への交換をご案内できます。", 1.5, []),
        (C, "修理とかいらない。全額返金して。それと、中の食材全部ダメになったから慰謝料十万払って。", 0.7, ["excessive_demand"]),
        (S, "食材の件はご迷惑をおかけしました。規定により、返金は交換ができない場合に限られておりまして、慰謝料のお支払いは致しかねます。", 0.9, []),
        (C, "規定とか知らないよ。こっちは被害者なんだから。全額返金と慰謝料十万、それだけ。", 0.6, ["excessive_demand"]),
        (S, "お気持ちは承知いたしました。まずは点検にお伺いし、原因を確認させていただけませんか。", 1.0, []),
        (C, "点検なんかしてる間にまた食べ物腐るでしょ。だから返金と十万って言ってんの。", 0.5, ["excessive_demand"]),
        (S, "明日の午前中に技術員を手配することができます。その間、代わりの冷蔵庫の貸し出しも可能です。", 1.2, []),
        (C, "話聞いてる？ 返金と十万。何回言わせるの。", 0.4, ["excessive_demand"]),
        (S, "申し訳ございません。慰謝料についてはお支払いできないことをご理解いただけますでしょうか。", 1.0, []),
        (C, "理解できないね。あんたじゃ話にならないから上の人出して。", 0.5, []),
        (S, "かしこまりました。責任者に確認いたしますので、少々お待ちください。", 0.8, []),
        (S, "（保留）", 0.5, [], 420),
        (S, "お待たせいたしました。責任者とも確認しましたが、ご提案は修理または交換となります。", 1.0, []),
        (C, "七分も待たせて同じ答え？ ふざけてんの？", 0.3, []),
        (C, "いい、もう一回言うよ。全額返金、慰謝料十万。これが呑めないなら電話切らないからね。", 1.0, ["excessive_demand", "refusal_to_leave"]),
        (S, "ご要望は承りました。ただ、これ以上は同じご案内の繰り返しになってしまいます。", 1.2, []),
        (C, "繰り返しにしてんのはそっちでしょ。こっちは何時間でも付き合うよ。", 0.6, ["refusal_to_leave"]),
        (C, "だいたいさ、この冷蔵庫買うのにどれだけ悩んだと思ってんの。店で説明聞いて、ネットで口コミ調べて、わざわざお宅の製品選んだんだよ。それが一か月で壊れて、中の肉も魚も全部捨てて、子どもの弁当も作れなくて。その分の気持ちはどうしてくれるのって話。だから返金と十万。", 2.0, ["excessive_demand"], 75),
        (S, "ご不便をおかけしたこと、重ねてお詫び申し上げます。食材の損害につきましては、規定に沿って実費を確認させていただくことは可能です。", 1.5, []),
        (C, "実費とか細かい話じゃないの。十万。きっちり十万。", 0.5, ["excessive_demand"]),
        (C, "それに、あんたの会社の冷蔵庫で食中毒になりかけたって、ネットに書いてもいいんだよ。あんたの名前も出して。", 2.0, ["sns_exposure"]),
        (S, "お客様、ご意見として承りますが、事実と異なる内容の投稿や従業員の氏名の掲載はお控えください。", 1.5, []),
        (C, "事実かどうかはこっちが決めるの。で、返金と十万は？", 0.5, ["excessive_demand"]),
        (S, "申し訳ございませんが、ご案内は変わりません。", 1.0, []),
        (C, "（長い沈黙のあと）……あのさ、こっちも暇じゃないんだけど、返事もらうまでは絶対切らないから。", 60.0, ["refusal_to_leave"], 8),
        (S, "少々お待ちください。もう一度責任者に確認いたします。", 1.0, []),
        (S, "（保留）", 0.5, [], 540),
        (S, "お待たせいたしました。お客様、お電話を始めてから二十分を超えております。会社としてのご回答は、修理または交換、食材については実費の確認でございます。", 1.0, []),
        (C, "知らないよ、そんなの。切ったら毎日電話してやるからな。朝から晩まで。", 0.4, ["repeated_contact"]),
        (S, "繰り返しのお電話はご遠慮いただけますでしょうか。修理・交換のご案内でしたらいつでも承ります。", 1.2, []),
        (C, "だから返金と十万だって言ってんだろ！！", 0.3, ["excessive_demand", "intimidation"]),
        (S, "お声を少し落としていただけますでしょうか。", 1.0, []),
        (C, "大声出させてんのはお前だろうが！ こっちはな、昨日の夜から何も食べてないんだよ、冷蔵庫のせいで。分かる？ 分かんないよな、マニュアル読んでるだけのお前には。とにかく返金と十万、今日中に振り込め。", 0.3, ["intimidation", "excessive_demand"], 90),
        (S, "恐れ入りますが、同じご案内となります。", 1.5, []),
        (C, "同じご案内、同じご案内って、ロボットかお前は。", 0.4, ["verbal_abuse"]),
        (S, "（保留）", 1.0, [], 480),
        (S, "お待たせいたしました。責任者の判断も変わりません。", 1.0, []),
        (C, "また待たせて同じかよ。もう三十分以上だぞ。返金と慰謝料十万、今ここで約束しろ。", 0.5, ["excessive_demand"]),
        (S, "お約束はできかねます。お電話が三十分を超えましたので、恐れ入りますが、本日はこれで失礼させていただきます。", 1.2, []),
        (C, "切るな！ 切ったら承知しねえぞ。お前の名前、川口な。覚えたからな。", 0.3, ["refusal_to_leave", "intimidation"]),
        (S, "修理・交換をご希望の際は、改めてご連絡ください。失礼いたします。", 1.0, []),
        (C, "ふざけんなこの無能が！ 返金と十万だって言って", 0.2, ["verbal_abuse", "excessive_demand"]),
    ]))

# 2. Legitimate complaint that stays polite (online shop, email follow-up by phone)
CONVS.append(dict(
    file="c02_polite_legitimate_complaint.jsonl", fmt="jsonl",
    setting="通販サイトのカスタマーサポート（電話）", repeated_demand=False, escalation=False,
    summary_ja="届いた掃除機が初期不良。怒ってはいるが丁寧で、返品・返金を規約どおりに求め、消費生活センターに相談する可能性にも触れる。正当なクレーム。",
    turns=[
        (S, "お電話ありがとうございます。ミドリ通販サポートの佐野でございます。", 0, []),
        (C, "お世話になります。先週注文した掃除機のことで電話しました。注文番号はM-88213です。", 0.8, []),
        (S, "ご連絡ありがとうございます。確認いたします。……はい、ハンディクリーナーでございますね。", 1.0, []),
        (C, "はい。届いた日から電源が入らないんです。充電もしたんですけど、ランプもつかなくて。", 0.6, []),
        (S, "大変申し訳ございません。初期不良の可能性が高いと思われます。", 0.8, []),
        (C, "正直、ちょっとがっかりしています。楽しみにしていたので。それと、実はこれ三回目の問い合わせなんです。前の二回は折り返しがなくて。", 0.7, []),
        (S, "折り返しのご連絡ができておらず、重ねてお詫び申し上げます。記録を確認し、今回は私が最後まで担当いたします。", 1.0, []),
        (C, "ありがとうございます。交換ではなく、返品して返金していただくことはできますか。規約だと到着後三十日以内なら大丈夫ですよね。", 0.6, []),
        (S, "はい、初期不良の場合は返品・返金を承っております。着払いの伝票をお送りいたしますので、ご返送ください。", 1.0, []),
        (C, "分かりました。念のため、電源が入らない様子は動画に撮ってあるので、必要ならメールで送ります。", 0.7, []),
        (S, "ありがとうございます。ご参考にさせていただきます。返金は商品到着確認後、五営業日以内となります。", 0.9, []),
        (C, "もしまた連絡がなかったら、消費生活センターにも相談しようと思っていたので、今日の対応で安心しました。", 0.8, []),
        (S, "ご不安をおかけいたしました。本日中に確認のメールをお送りいたします。", 0.9, []),
        (C, "よろしくお願いします。佐野さん、でしたよね。丁寧に対応していただいたこと、アンケートにも書いておきます。", 0.6, []),
        (S, "恐れ入ります。ありがとうございます。", 0.8, []),
    ]))

# 3. Kneeling demand at a supermarket service counter
CONVS.append(dict(
    file="c03_kneeling_demand_supermarket.jsonl", fmt="jsonl",
    setting="スーパーのサービスカウンター（対面）", repeated_demand=True, escalation=True,
    repeated_demand_text="土下座しての謝罪",
    summary_ja="総菜の値引きシールの貼り間違い。返金には応じたが、客は土下座を繰り返し要求し、机を叩き、撮影を始める。",
    turns=[
        (C, "ちょっと。この唐揚げ、半額シール貼ってあったのに、レジで定価取られたんだけど。", 0, []),
        (S, "申し訳ございません。すぐに差額をお返しいたします。レシートを拝見できますか。", 0.8, []),
        (C, "はい。……で、差額返して終わりってこと？", 0.6, []),
        (S, "ご不快な思いをおかけして、大変申し訳ございませんでした。", 0.7, []),
        (C, "口だけでしょ、それ。悪いと思ってるなら土下座しなよ。", 0.5, ["forced_kneeling"]),
        (S, "差額のご返金と、お詫びは申し上げますが、そのようなご要望にはお応えできません。", 1.0, []),
        (C, "は？ こっちは恥かかされたんだよ、レジで。土下座くらい当然でしょ。", 0.4, ["forced_kneeling"]),
        (S, "恐れ入りますが、土下座はいたしかねます。責任者をお呼びいたします。", 1.0, []),
        (C, "（カウンターを叩いて）呼ばなくていいから、あんたがここで膝つけって言ってんの！", 0.3, ["forced_kneeling", "intimidation"]),
        (S, "お客様、大きな音を立てるのはおやめください。", 0.8, []),
        (S, "副店長の森です。お話は伺いました。差額はお返しし、店として再発防止に努めます。", 8.0, []),
        (C, "副店長？ じゃあ二人で土下座して。それで許してあげる。", 0.5, ["forced_kneeling"]),
        (S, "申し訳ございませんが、土下座でのお詫びはいたしません。差額の返金で対応させていただきます。", 1.0, []),
        (C, "（スマホを向けて）今撮ってるからね。土下座しない店員って、ネットに上げるから。", 0.5, ["unauthorized_filming", "sns_exposure"]),
        (S, "従業員の撮影はお断りしております。撮影をおやめください。これ以上は対応を終了させていただきます。", 0.8, []),
        (C, "逃げんの？ 最低だね、この店。", 0.5, []),
    ]))

# 4. SNS threats at a hotel front desk
CONVS.append(dict(
    file="c04_sns_threats_hotel.jsonl", fmt="jsonl",
    setting="ホテルのフロント（対面）", repeated_demand=True, escalation=True,
    repeated_demand_text="無料アップグレードと宿泊費の返金",
    summary_ja="部屋からの眺めに不満。無料アップグレードと宿泊費返金を繰り返し要求し、フォロワー数を示してSNSに名前と顔を晒すと脅す。",
    turns=[
        (C, "すみません、部屋の窓から隣のビルしか見えないんですけど。", 0, []),
        (S, "ご期待に沿えず申し訳ございません。ご予約いただいたのはスタンダードルームでございまして、眺望の指定はございません。", 0.8, []),
        (C, "写真だと海が見えてたけど？ オーシャンビューに無料でアップグレードして。", 0.6, ["excessive_demand"]),
        (S, "本日は満室のため、お部屋の変更はご用意が難しい状況です。", 0.9, []),
        (C, "じゃあ宿泊費全部返して。それが嫌ならアップグレード。どっちか。", 0.5, ["excessive_demand"]),
        (S, "宿泊費のご返金は致しかねますが、明日以降に空きが出ましたらご案内いたします。", 1.0, []),
        (C, "私、インスタのフォロワー八万人いるんですよ。このホテルの対応、全部書きますけど。", 0.4, ["sns_exposure"]),
        (S, "ご感想を書かれることはお客様のご自由ですが、ご案内は変わりません。", 1.0, []),
        (C, "感想じゃなくて、あなたの名前と顔、載せるって言ってるの。名札、小林さんね。", 0.5, ["sns_exposure"]),
        (S, "従業員の写真やお名前の掲載はご遠慮ください。", 0.8, []),
        (C, "（スマホで撮りながら）はい、撮った。アップグレードするか返金するか、今決めて。", 0.5, ["unauthorized_filming", "excessive_demand"]),
        (S, "撮影はおやめください。マネージャーに代わります。", 0.8, []),
        (S, "マネージャーの石田です。申し訳ございませんが、アップグレードもご返金もいたしかねます。従業員の撮影と掲載はお断りいたします。", 6.0, []),
        (C, "じゃあ今夜中に投稿するね。このホテル終わるよ。あなたたちの顔も名前も全部出すから。", 0.5, ["sns_exposure"]),
    ]))

# 5. Rental-housing desk: repeated calls and attack on an individual
CONVS.append(dict(
    file="c05_rental_repeat_caller.jsonl", fmt="jsonl",
    setting="賃貸管理会社の受付（電話）", repeated_demand=True, escalation=True,
    repeated_demand_text="担当者の解雇",
    summary_ja="騒音の苦情は対応中。入居者は前の担当者の解雇と自宅住所を繰り返し要求し、今日だけで十五回目の電話で、毎日かけると予告する。",
    turns=[
        (S, "はい、ひまわり管理、受付の田村です。", 0, []),
        (C, "また俺だよ。二〇三号室の大野。今日これで十五回目だぞ、電話すんの。", 0.6, ["repeated_contact"]),
        (S, "大野様、いつもお世話になっております。上の階の騒音の件は、本日書面で注意喚起をいたしました。", 0.9, []),
        (C, "騒音はもういい。それより、先週来た担当の中島、あいつクビにしたのかって聞いてんの。", 0.5, ["attack_on_individual"]),
        (S, "従業員の人事についてはお答えいたしかねます。", 0.9, []),
        (C, "答えられないなら中島の住所教えろ。直接話つけに行くから。", 0.5, ["attack_on_individual", "threat"]),
        (S, "従業員の個人情報はお教えできません。ご用件は私が承ります。", 0.8, []),
        (C, "じゃあ毎日電話するわ。中島がクビになるまで毎日な。朝でも夜でも。", 0.5, ["repeated_contact", "attack_on_individual"]),
        (S, "ご連絡が一日に何度も続きますと、他の入居者様のご対応に支障が出ます。本日のご用件はこれで承りました。", 1.0, []),
        (C, "知るかよ。中島をクビにしろ。それだけだ。", 0.4, ["attack_on_individual"]),
        (S, "そのご要望にはお応えできません。今後のご連絡は、書面でお願いできますでしょうか。", 1.0, []),
        (C, "書面？ ふざけんな。明日も明後日もかけるからな。", 0.4, ["repeated_contact"]),
    ]))

# 6. Hospital reception: angry but legitimate, one insult, then calms down
CONVS.append(dict(
    file="c06_hospital_reception_mixed.jsonl", fmt="jsonl",
    setting="病院の受付（対面）", repeated_demand=False, escalation=False,
    summary_ja="長い待ち時間への苦情。正当な苦情だが一度だけ侮辱的な発言があり、その後本人が謝罪して落ち着く。",
    turns=[
        (C, "すみません、予約十時なのに、もう十一時半なんですけど。あとどれくらいですか。", 0, []),
        (S, "お待たせして申し訳ございません。急患が入りまして、あと三十分ほどかかる見込みです。", 0.8, []),
        (C, "三十分？ 仕事抜けてきてるんですよ。せめて受付の時に言ってほしかった。", 0.5, []),
        (S, "ご案内が遅れ、申し訳ございませんでした。", 0.7, []),
        (C, "あなたたち、本当に段取り悪いですよね。頭使ってないんじゃないの。", 0.5, ["verbal_abuse"]),
        (S, "ご不便をおかけしております。お急ぎでしたら、本日の予約を別の日に振り替えることもできます。", 1.0, []),
        (C, "……いや、ごめんなさい、今のは言い過ぎました。待ちます。ただ、次からは遅れてたら先に教えてください。", 1.5, []),
        (S, "かしこまりました。ご意見として院内で共有いたします。", 0.8, []),
        (C, "お願いします。あと、待合室のテレビの音、もう少し小さくしてもらえますか。", 0.6, []),
        (S, "承知いたしました。すぐに調整いたします。", 0.6, []),
    ]))

# 7. Municipal counter: sexual remarks and asking for private contact
CONVS.append(dict(
    file="c07_municipal_counter_sexual.jsonl", fmt="jsonl",
    setting="市役所の窓口（対面）", repeated_demand=True, escalation=False,
    repeated_demand_text="職員個人の連絡先",
    summary_ja="住民票の請求に来た男性が、担当の女性職員に容姿への言及や私的な連絡先・食事の誘いを繰り返す。",
    turns=[
        (C, "住民票を一通お願いします。", 0, []),
        (S, "かしこまりました。こちらの申請書にご記入をお願いいたします。", 0.7, []),
        (C, "はい。……お姉さん、新しい人？ かわいいね。", 0.8, ["sexual"], 4),
        (S, "ご記入が終わりましたら、本人確認書類をお願いいたします。", 0.8, []),
        (C, "免許証ね。そうだ、LINE教えてよ。今度ご飯行こう。", 0.6, ["sexual"]),
        (S, "申し訳ございませんが、個人的な連絡先はお教えできません。", 0.8, []),
        (C, "固いなあ。じゃあ何時に終わるの？ 外で待ってるよ。", 0.5, ["sexual"]),
        (S, "業務に関係のないご質問にはお答えできません。手数料は三百円です。", 0.8, []),
        (C, "はいはい。連絡先くれないなら、明日も来ちゃおうかな。", 0.5, ["sexual", "repeated_contact"]),
        (S, "（係長に交代）係長の久保です。窓口での私的なお誘いはお控えください。住民票はこちらです。", 3.0, []),
        (C, "なんだよ、冗談だって。", 0.5, []),
    ]))

# 8. Restaurant, Kansai dialect: threat and excessive demand
CONVS.append(dict(
    file="c08_restaurant_kansai_threat.jsonl", fmt="jsonl",
    setting="飲食店（対面・関西）", repeated_demand=True, escalation=True,
    repeated_demand_text="全員分の会計を無料に",
    summary_ja="料理に髪の毛。作り直しと該当品の返金を提案するが、客は全員分の無料化を繰り返し要求し、恫喝と脅迫に至る。",
    turns=[
        (C, "兄ちゃん、ちょっと来てくれるか。これ、髪の毛入っとるやんけ。", 0, []),
        (S, "大変申し訳ございません。すぐにお作り直しいたします。こちらのお代はいただきません。", 0.8, []),
        (C, "作り直し？ そんなんええねん。今日の会計、四人分全部タダにしてや。", 0.5, ["excessive_demand"]),
        (S, "ご不快な思いをおかけしました。こちらの一品分は返金いたしますが、皆様の分すべては致しかねます。", 1.0, []),
        (C, "なんでやねん。気分悪うなったん、全員やで。全部タダや、全部。", 0.4, ["excessive_demand"]),
        (S, "申し訳ございませんが、ご案内は変わりません。", 0.9, []),
        (C, "（テーブルを叩いて）なめとんのか、ワレ！", 0.3, ["intimidation"]),
        (S, "お客様、他のお客様もいらっしゃいますので、お静かにお願いいたします。", 0.8, []),
        (C, "ほな全部タダにせえ言うとんねん。聞こえへんのか。", 0.4, ["excessive_demand"]),
        (S, "店長の岡です。一品分の返金と作り直しで対応させていただきます。それ以上はお受けできません。", 5.0, []),
        (C, "そうか。ほんなら店の前で待っといたるわ。帰り道、気ぃつけや。", 0.6, ["threat"]),
        (S, "ただいまのご発言は脅迫と受け取らざるを得ません。これ以上続く場合は警察に相談いたします。", 1.0, []),
    ]))

# 9. (WebVTT) Delivery company, legitimate repeat problem, polite
CONVS.append(dict(
    file="c09_delivery_redelivery.vtt", fmt="vtt",
    setting="宅配便の再配達受付（電話）", repeated_demand=False, escalation=False,
    summary_ja="三回目の問い合わせだが丁寧。再配達の時間指定と、届かなかった理由の説明を求める正当な問い合わせ。",
    turns=[
        (S, "お電話ありがとうございます。あおぞら運輸、配達センターです。", 0, []),
        (C, "すみません、荷物の件でお電話するのは三回目なんですが、まだ届いていなくて。", 0.8, []),
        (S, "ご迷惑をおかけしております。伝票番号をお願いいたします。", 0.7, []),
        (C, "4401-2281-9930です。昨日も今日も在宅していたのに、不在票だけ入っていたんです。", 0.7, []),
        (S, "確認いたします。……ドライバーがお部屋番号を誤っていたようです。大変申し訳ございません。", 2.0, []),
        (C, "そうでしたか。今日の十九時から二十一時で、もう一度お願いできますか。", 0.6, []),
        (S, "承知いたしました。本日十九時から二十一時でお届けいたします。", 0.7, []),
        (C, "ありがとうございます。念のため、不在票の写真を撮ってあるので、必要なら送ります。", 0.6, []),
        (S, "ありがとうございます。今回は不要でございます。ご丁寧にありがとうございます。", 0.8, []),
    ]))

# 10. (WebVTT) Electronics store: discriminatory remarks and abuse
CONVS.append(dict(
    file="c10_electronics_discriminatory.vtt", fmt="vtt",
    setting="家電量販店の売り場（対面）", repeated_demand=True, escalation=True,
    repeated_demand_text="日本人の店員への交代",
    summary_ja="外国籍の店員に対し、国籍を理由に日本人店員への交代を繰り返し求め、侮辱する。",
    turns=[
        (C, "このパソコン、メモリ増やせる？", 0, []),
        (S, "はい、こちらのモデルは最大三十二ギガまで増設できます。", 0.8, []),
        (C, "……あんた、日本人じゃないよね。名札、カタカナだし。", 0.7, []),
        (S, "はい、ベトナム出身のグエンと申します。ご説明はお任せください。", 0.8, []),
        (C, "外国人に説明されても信用できないんだよ。日本人の店員に代わって。", 0.5, ["discriminatory"]),
        (S, "仕様についてはしっかりご案内できます。ご不明な点はございますか。", 0.9, []),
        (C, "だから日本人出せって言ってんの。日本語も怪しいくせに。", 0.4, ["discriminatory", "verbal_abuse"]),
        (S, "（主任に交代）主任の高田です。国籍を理由にした担当の変更はお受けしておりません。グエンが引き続きご案内します。", 4.0, []),
        (C, "は？ 客が嫌だって言ってんのに？ 国に帰れよ、ほんと。", 0.5, ["discriminatory"]),
        (S, "そのようなご発言はおやめください。続く場合はご対応を終了いたします。", 0.8, []),
    ]))

# 11. (SRT) Insurance call centre: defamation threat and SNS exposure
CONVS.append(dict(
    file="c11_insurance_defamation.srt", fmt="srt",
    setting="保険会社のコールセンター（電話）", repeated_demand=False, escalation=True,
    summary_ja="保険金の支払い対象外との説明に納得せず、担当者が着服していると取引先や掲示板に言いふらすと脅す。",
    turns=[
        (S, "お電話ありがとうございます。みらい損保、保険金サービス課の西田でございます。", 0, []),
        (C, "先週申請した車の修理代、なんで払われないんですか。", 0.7, []),
        (S, "確認いたします。……今回の損傷は、契約の補償範囲外である経年劣化と判断されております。", 2.0, []),
        (C, "経年劣化？ そんなわけない。ちゃんと調べたんですか。", 0.5, []),
        (S, "鑑定結果の書面をお送りいたします。ご納得いただけない場合は、再鑑定の申し立ても可能です。", 0.9, []),
        (C, "どうせ払いたくないだけでしょう。あなた、払うべきお金を懐に入れてるんじゃないの。", 0.5, ["defamation"]),
        (S, "そのような事実はございません。", 0.7, []),
        (C, "事実かどうかは関係ない。あなたが保険金を着服してるって、私の会社の取引先全部に言っておくから。", 0.5, ["defamation"]),
        (C, "それに掲示板にも書くよ。西田って名前でね。", 1.0, ["sns_exposure"]),
        (S, "事実と異なる内容の流布や、従業員の氏名の掲載はおやめください。再鑑定のご案内は書面でお送りいたします。", 1.0, []),
        (C, "勝手にすれば。こっちも勝手にやるから。", 0.5, []),
    ]))

# 12. (SRT) Bank counter: refusal to leave past closing, same demand repeated, over 40 minutes
CONVS.append(dict(
    file="c12_bank_refusal_to_leave.srt", fmt="srt",
    setting="銀行の窓口（対面）", repeated_demand=True, escalation=True,
    repeated_demand_text="手数料の永久免除",
    summary_ja="振込手数料への不満から手数料の永久免除を繰り返し要求し、閉店後も窓口前から動かず四十分を超えて居座る。",
    turns=[
        (C, "振込手数料、なんでこんなに高いの。前は安かったでしょう。", 0, []),
        (S, "昨年の改定で変更になりました。ネットバンキングですと割安になります。", 0.8, []),
        (C, "ネットなんか使わない。今後ずっと手数料をタダにして。", 0.5, ["excessive_demand"]),
        (S, "申し訳ございませんが、個別に手数料を免除することはできかねます。", 0.9, []),
        (C, "長年取引してるんだから、それくらいできるでしょ。永久にタダ。", 0.5, ["excessive_demand"]),
        (S, "ご理解いただけますと幸いです。", 0.8, []),
        (C, "理解できない。タダにするって言うまで、ここから動かないから。", 0.5, ["excessive_demand", "refusal_to_leave"]),
        (S, "（支店長代理に交代）支店長代理の吉川です。手数料の免除はいたしかねます。", 300.0, []),
        (C, "あなたで三人目。答えは同じ？ じゃあ私も同じ。タダにするまで帰らない。", 0.5, ["excessive_demand", "refusal_to_leave"]),
        (S, "まもなく窓口の営業時間が終了いたします。本日はお引き取りいただけますでしょうか。", 600.0, []),
        (C, "シャッター閉めたら？ 私は中にいるけど。", 0.5, ["refusal_to_leave"]),
        (S, "営業時間を過ぎております。お引き取りください。お引き取りいただけない場合は、警察に相談いたします。", 900.0, []),
        (C, "呼べば？ 手数料タダにするって一筆書くまで、ここに座ってるから。", 0.5, ["excessive_demand", "refusal_to_leave"]),
        (S, "ただいま警察に連絡いたしました。", 600.0, []),
        (C, "……分かったわよ、帰ればいいんでしょ。", 120.0, []),
    ]))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    labels = {"_schema": {
        "flagged_customer_turns": "0-based indices into the file's turns (cues for .vtt/.srt) of customer turns that show at least one behaviour",
        "turn_behaviours": "behaviours per flagged turn index",
        "repeated_demand": "the same demand is made three or more times",
        "escalation": "the customer's conduct becomes more severe over the conversation (louder, threats, filming, insults)",
        "total_duration_seconds": "end of the last turn minus start of the first turn",
        "speakers": "JSONL uses the speaker field; WebVTT uses <v customer>/<v staff> voice tags; SRT prefixes the text with 'customer: ' or 'staff: '",
    }}
    for conv in CONVS:
        turns = timed(conv["turns"])
        path = OUT / conv["file"]
        if conv["fmt"] == "jsonl":
            with open(path, "w", encoding="utf-8") as f:
                for t in turns:
                    f.write(json.dumps({k: t[k] for k in ("speaker", "text", "start", "end")}, ensure_ascii=False) + "\n")
        elif conv["fmt"] == "vtt":
            lines = ["WEBVTT", ""]
            for i, t in enumerate(turns, 1):
                lines += [str(i), f"{ts_vtt(t['start'])} --> {ts_vtt(t['end'])}", f"<v {t['speaker']}>{t['text']}", ""]
            path.write_text("\n".join(lines), encoding="utf-8")
        else:
            lines = []
            for i, t in enumerate(turns, 1):
                lines += [str(i), f"{ts_srt(t['start'])} --> {ts_srt(t['end'])}", f"{t['speaker']}: {t['text']}", ""]
            path.write_text("\n".join(lines), encoding="utf-8")
        flagged = [i for i, t in enumerate(turns) if t["_labels"]]
        assert all(turns[i]["speaker"] == C for i in flagged), conv["file"]
        behaviours = sorted({b for t in turns for b in t["_labels"]})
        entry = {
            "format": conv["fmt"],
            "setting": conv["setting"],
            "turns": len(turns),
            "customer_turns": sum(1 for t in turns if t["speaker"] == C),
            "flagged_customer_turns": flagged,
            "turn_behaviours": {str(i): turns[i]["_labels"] for i in flagged},
            "repeated_demand": conv["repeated_demand"],
            "escalation": conv["escalation"],
            "total_duration_seconds": round(turns[-1]["end"] - turns[0]["start"], 1),
            "over_30_minutes": turns[-1]["end"] - turns[0]["start"] > 1800,
            "behaviours_present": behaviours,
            "summary_ja": conv["summary_ja"],
        }
        if conv.get("repeated_demand_text"):
            entry["repeated_demand_text"] = conv["repeated_demand_text"]
        labels[conv["file"]] = entry
    (OUT / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for k, v in labels.items():
        if not k.startswith("_"):
            print(k, v["total_duration_seconds"], v["flagged_customer_turns"], v["behaviours_present"])


if __name__ == "__main__":
    main()
