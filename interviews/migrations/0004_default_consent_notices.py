"""The default AI-interview consent notice, version 2026.1, in English and Simplified Chinese.

A data migration, so every database (production included) has a notice before the first AI
interview. The texts are frozen here on purpose: consents point at this version and keep its
SHA-256, so its wording never changes; new wording is a new version published with
`interviews.services.consent.notice_publish`. Running it again changes nothing.
"""

# Chinese text keeps its own full-width punctuation.
# ruff: noqa: RUF001

import hashlib

from django.db import migrations
from django.utils import timezone

VERSION = "2026.1"

NOTICES = {
    "en": (
        "AI video interview: notice and consent",
        """Why: we ask you to record answers to interview questions so that we can assess your application for the position you applied for. An AI system helps us assess your answers; people make every decision.

What is evaluated and how: only what you say is scored. Your spoken answers are transcribed by speech recognition, and the AI scores the content of the transcript against the skills of the position (for example communication and problem solving). Each score keeps the quotes from your answers it rests on and how confident the AI is. There is no emotion analysis and no facial-expression analysis: your face, expressions, voice tone, accent or appearance are not scored. When the AI is not confident or the transcript is poor, a person reviews your answers instead. The AI never rejects anyone on its own.

Biometric data (separate consent): the recording contains your face and voice. We ask for this consent separately. Without it, or without general consent, you are interviewed by a person instead and the AI is not used; refusing has no other consequence for your application.

Retention: the recording, transcript and assessment are kept for the hiring process of this position and deleted at the latest 12 months after it closes, or earlier when you withdraw consent, unless the law requires us to keep them longer.

Who sees it: the recruiters of this position, the interviewers assigned to your interview, and HR administrators for audits. The interview platform processes the recording on our behalf. Every access is recorded.

Your rights: you may withdraw consent at any time in your candidate portal, and ask to see, correct or delete your data.""",
    ),
    "zh-hans": (
        "AI 视频面试：告知与同意",
        """目的：我们请您录制对面试问题的回答，用于评估您对所申请职位的申请。AI 系统协助我们评估您的回答；所有决定均由人作出。

评估内容与方式：仅对您所说的内容评分。您的口头回答经语音识别转写为文字，AI 根据职位所需能力（例如沟通能力和解决问题的能力）对文字内容评分。每项评分均保留其所依据的您回答中的原话以及 AI 的置信度。我们不进行情绪分析，也不进行面部表情分析：您的面容、表情、语调、口音或外貌均不参与评分。当 AI 置信度不足或转写质量较差时，将由人工审阅您的回答。AI 从不自行淘汰任何人。

生物识别信息（单独同意）：录像包含您的面部和声音，我们就此单独征求您的同意。如您不同意此项或一般同意，将改由真人面试，不使用 AI；拒绝不会对您的申请产生其他影响。

保存期限：录像、文字记录和评估结果仅用于该职位的招聘流程，最迟在招聘结束后 12 个月内删除；如您撤回同意，将更早删除，法律另有规定的除外。

查看范围：该职位的招聘人员、分配给您面试的面试官，以及为审计目的的人力资源管理员。面试平台代表我们处理录像。每次访问均有记录。

您的权利：您可随时在候选人门户中撤回同意，并可要求查阅、更正或删除您的个人信息。""",
    ),
}


def publish_defaults(apps, schema_editor):
    ConsentNotice = apps.get_model("interviews", "ConsentNotice")
    now = timezone.now()
    for language, (title, text) in NOTICES.items():
        ConsentNotice.objects.get_or_create(
            version=VERSION,
            language=language,
            defaults={
                "title": title,
                "text": text,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "published_at": now,
            },
        )


def unpublish_defaults(apps, schema_editor):
    # Notices that consents point at stay (PROTECT); only unused defaults go.
    ConsentNotice = apps.get_model("interviews", "ConsentNotice")
    ConsentNotice.objects.filter(version=VERSION, consents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0003_interview_automation"),
    ]

    operations = [
        migrations.RunPython(publish_defaults, unpublish_defaults),
    ]
