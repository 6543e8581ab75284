"""Every label of the app in one table, in Chinese (the default) and English."""
from __future__ import annotations

from pathlib import PurePath

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

MESSAGES: dict[str, tuple[str, str]] = {
    # navigation and sidebar
    "app.title": ("bidkit 售后服务方案编写", "bidkit after-sales chapter"),
    "nav.compose": ("编写", "Compose"),
    "nav.tender": ("招标要求", "Tender"),
    "nav.library": ("条款库", "Library"),
    "nav.templates": ("模板", "Templates"),
    "sidebar.language": ("语言 / Language", "语言 / Language"),
    "sidebar.library": ("条款库：{clauses} 条，{versions} 个版本", "Library: {clauses} clauses, {versions} versions"),
    "sidebar.library_issues": ("条款库有 {n} 个文件有问题（见条款库页）", "{n} library files have problems (see Library)"),
    "sidebar.bid": ("当前投标：{project}", "Current bid: {project}"),
    "sidebar.no_project": ("（未命名项目）", "(untitled project)"),
    # compose: start
    "compose.title": ("编写售后服务方案", "Compose the after-sales chapter"),
    "compose.start": ("开始：模板、空白、上传或已保存的投标", "Start from a template, a blank bid, an upload or a saved bid"),
    "compose.from_template": ("从模板", "From a template"),
    "compose.blank": ("空白投标", "Blank bid"),
    "compose.upload": ("上传投标 YAML", "Upload a bid YAML"),
    "compose.saved": ("已保存的投标", "Saved bids"),
    "compose.load": ("载入", "Load"),
    "compose.new_blank": ("新建空白投标", "New blank bid"),
    "compose.loaded": ("已载入：{name}", "Loaded: {name}"),
    "compose.no_templates": ("还没有保存的模板", "No saved templates yet"),
    "compose.no_saved": ("工作区中还没有保存的投标", "No saved bids in the workspace yet"),
    # compose: details
    "compose.details": ("投标信息", "Bid details"),
    "field.project": ("项目名称", "Project"),
    "field.project_number": ("项目编号", "Project number"),
    "field.buyer": ("采购人", "Buyer"),
    "field.bidder": ("投标人名称", "Bidder"),
    "field.address": ("投标人地址", "Bidder address"),
    "field.hotline": ("服务热线", "Service hotline"),
    "field.contact": ("联系人", "Contact"),
    "field.chapter_number": ("章节号", "Chapter number"),
    "field.chapter_title": ("章节标题", "Chapter title"),
    # compose: clauses
    "compose.clauses": ("承诺条款", "Commitment clauses"),
    "compose.section": ("章节", "Section"),
    "compose.add_clause": ("添加条款", "Add a clause"),
    "compose.add": ("添加", "Add"),
    "compose.no_clauses": ("还没有选择条款：在上方添加。", "No clauses chosen yet: add one above."),
    "compose.up": ("上移", "Move up"),
    "compose.down": ("下移", "Move down"),
    "compose.remove": ("移除", "Remove"),
    "compose.version": ("版本 v{version} · {status}", "version v{version} · {status}"),
    "compose.newer": ("有更新的已审批版本 v{version}", "A newer approved version v{version} exists"),
    "status.draft": ("草稿", "draft"),
    "status.approved": ("已审批", "approved"),
    "status.retired": ("已停用", "retired"),
    "compose.staff": ("售后服务人员", "After-sales staff"),
    "compose.offices": ("售后服务网点", "Service offices"),
    "col.name": ("姓名", "Name"),
    "col.role": ("岗位", "Role"),
    "col.certificate": ("资格证书", "Certificate"),
    "col.phone": ("联系电话", "Phone"),
    "col.city": ("城市", "City"),
    "col.address": ("地址", "Address"),
    "compose.rows_invalid": ("第 {row} 行：{message}", "Row {row}: {message}"),
    # compose: findings and output
    "findings.title": ("检查结果", "Findings"),
    "findings.summary": ("{total} 项要求：{ok} 项满足，{blocking} 项阻断", "{total} requirements: {ok} met, {blocking} blocking"),
    "findings.none": ("没有招标要求：在“招标要求”页粘贴或上传招标文件。", "No tender requirements yet: paste or upload the tender on the Tender page."),
    "findings.blocking": ("阻断", "blocking"),
    "findings.clean": ("没有阻断项，可以生成正式文档。", "Nothing blocks: the final document can be downloaded."),
    "output.title": ("生成与保存", "Output"),
    "output.final": ("下载正式 .docx", "Download final .docx"),
    "output.final_blocked": ("有 {n} 个阻断项，不能生成正式文档：{first}", "{n} blocking findings, no final document: {first}"),
    "output.draft": ("下载草稿 .docx", "Download draft .docx"),
    "output.yaml": ("下载投标 YAML", "Download bid YAML"),
    "output.save_name": ("保存名称", "Save as"),
    "output.save": ("保存到工作区", "Save to workspace"),
    "output.saved": ("已保存：{path}", "Saved: {path}"),
    "preview.title": ("预览", "Preview"),
    # tender
    "tender.title": ("招标要求", "Tender requirements"),
    "tender.paste": ("粘贴招标文件文字", "Paste the tender's text"),
    "tender.upload": ("或上传招标文件（.txt .md .docx .pdf）", "Or upload the tender (.txt .md .docx .pdf)"),
    "tender.extract": ("提取要求", "Extract requirements"),
    "tender.extracting": ("正在提取招标要求…", "Extracting requirements…"),
    "tender.found": ("找到 {n} 项售后服务要求", "Found {n} after-sales requirements"),
    "tender.nothing": ("没有找到售后服务要求", "No after-sales requirements found"),
    "tender.failed": ("无法读取招标文件", "The tender cannot be read"),
    "tender.empty": ("请先粘贴文字或上传文件", "Paste text or upload a file first"),
    "tender.table": ("要求列表（可编辑：增加、删除、修改、切换★）", "Requirements (edit, add, delete, toggle ★)"),
    "tender.replace": ("替换现有要求", "Replace the current requirements"),
    "tender.append": ("追加到现有要求", "Add to the current requirements"),
    "col.metric": ("指标", "Metric"),
    "col.op": ("比较", "Operator"),
    "col.value": ("数值", "Value"),
    "col.unit": ("单位", "Unit"),
    "col.mandatory": ("★实质性", "★ Mandatory"),
    "col.text": ("招标原文", "Source text"),
    "col.ref": ("条目号", "Reference"),
    "col.where": ("出处", "Where found"),
    "col.where_help": ("招标文件中读到这一条的位置，供对照原文核对（只读）", "Where in the tender this was read, to check it against the source (read-only)"),
    "col.section": ("章节", "Section"),
    "col.found": ("找到", "Found"),
    "col.to_check": ("需人工确认", "To check by hand"),
    "tender.sections": ("各章节找到的要求", "Requirements found per section"),
    "tender.sections_summary": ("{sections} 个章节，共 {found} 项，其中 {to_check} 项需人工确认", "{sections} sections, {found} rows, {to_check} to check by hand"),
    "tender.no_section": ("（未识别章节）", "(no section heading)"),
    "tender.to_check": ("需人工确认（{n} 项）", "To check by hand ({n})"),
    "tender.to_check_help": ("这些条款没有可比较的数值，检查时不会自动比对：请按出处阅读原文，确认投标文件已响应。", "These clauses carry no value to compare, so the check cannot compare them: read each at the place given and make sure the bid answers it."),
    "tender.to_check_none": ("没有需人工确认的条款：每一项要求都有可比较的数值。", "Nothing to check by hand: every requirement has a value to compare."),
    "tender.section_rows": ("{section}（{n} 项）", "{section} ({n})"),
    "where.page": ("第{n}页", "p. {n}"),
    "where.paragraph": ("第{n}段", "para. {n}"),
    "where.table": ("表{n}", "table {n}"),
    "where.row": ("第{n}行", "row {n}"),
    "where.cell": ("第{n}列", "column {n}"),
    "where.line": ("第{n}行", "line {n}"),
    "where.unknown": ("出处不详", "place unknown"),
    # library
    "library.title": ("条款库", "Clause library"),
    "library.search": ("搜索标题或正文", "Search title or text"),
    "library.category": ("类别", "Category"),
    "library.metric": ("指标", "Metric"),
    "library.status": ("状态", "Status"),
    "library.results": ("{n} 条条款", "{n} clauses"),
    "library.pick": ("查看条款", "Show clause"),
    "library.versions": ("版本历史", "Versions"),
    "library.rendered": ("按默认值生成的文字", "Text rendered with its defaults"),
    "library.issues": ("条款库文件问题", "Library file problems"),
    "col.clause": ("条款", "Clause"),
    "col.title": ("标题", "Title"),
    "col.latest": ("最新版本", "Latest"),
    "col.version": ("版本", "Version"),
    "col.author": ("作者", "Author"),
    "col.created": ("日期", "Date"),
    "col.note": ("说明", "Note"),
    "col.status": ("状态", "Status"),
    "col.params": ("参数", "Parameters"),
    "library.edit": ("编辑新版本", "Edit as new version"),
    "library.review": ("审核", "Review"),
    "library.diff": ("版本对比", "Compare versions"),
    "library.freshness": ("最近审核：{reviewed} · 被 {uses} 份已保存的投标和模板使用", "Last reviewed: {reviewed} · used by {uses} saved bids and templates"),
    "library.stale": ("该条款超过 {days} 天未经审核，请法务复核", "Not reviewed for over {days} days: ask legal to review it"),
    "library.stale_count": ("{n} 条超过 {days} 天未审核", "{n} not reviewed for {days} days"),
    "col.reviewed": ("最近审核", "Last reviewed"),
    "col.uses": ("使用次数", "Used by"),
    "col.stale": ("待复核", "Stale"),
    "edit.based_on": ("基于 v{version} 编辑；保存后成为下一个版本（草稿），原版本不会被修改。", "Editing on top of v{version}; saving makes the next version (draft); no version is ever changed."),
    "edit.title": ("标题", "Title"),
    "edit.text": ("条款正文（Jinja2 模板）", "Clause text (Jinja2 template)"),
    "edit.text_help": ("用 {{ 参数名 }} 引用参数；可直接使用 bidder、hotline、buyer、project。空行分段。", "Use {{ name }} for parameters; bidder, hotline, buyer and project are always available. A blank line starts a paragraph."),
    "edit.params": ("参数（YAML）", "Parameters (YAML)"),
    "edit.params_help": ("每个参数：label、type（duration/count/text/choice/bool/service_hours）、default、min、max、choices、metric", "Each parameter: label, type (duration/count/text/choice/bool/service_hours), default, min, max, choices, metric"),
    "edit.params_yaml": ("参数 YAML 第 {line} 行无法解析：{problem}", "Parameters YAML does not parse at line {line}: {problem}"),
    "edit.note": ("修订说明（必填）", "What changed and why (required)"),
    "edit.note_placeholder": ("例如：质保起算点改为验收合格之日", "e.g. warranty now starts at acceptance"),
    "edit.need_name": ("请先在侧栏填写您的姓名（或登录），新版本会记录作者。", "Type your name in the sidebar (or sign in) first: the new version records its author."),
    "edit.save": ("保存为新版本（草稿）", "Save as new version (draft)"),
    "edit.saved": ("已保存 {id} v{version}（草稿，待审核）", "Saved {id} v{version} (draft, awaiting review)"),
    "edit.conflict": ("保存冲突：{message}", "Save conflict: {message}"),
    "edit.conflict_diff": ("对方保存的 v{version} 与您的修改对比：", "What they saved as v{version}, against your edit:"),
    "edit.rebase": ("在 v{version} 的基础上重做我的修改", "Redo my edit on top of v{version}"),
    "review.event": ("操作", "Event"),
    "review.approved": ("批准", "approved"),
    "review.retired": ("停用", "retired"),
    "review.created": ("创建", "created"),
    "review.comment": ("审核意见", "Comment"),
    "review.record": ("记录审核结果", "Record the review"),
    "review.recorded": ("已记录：{id} v{version} {event}", "Recorded: {id} v{version} {event}"),
    "review.history": ("审核历史（只读）", "History (read-only)"),
    "review.sign_in_first": ("请先登录，审核需要记录您的身份。", "Sign in first: a review records who made it."),
    "review.not_reviewer": ("{email} 不在设置文件的审核人名单中，不能批准或停用版本。", "{email} is not a reviewer in the settings file and cannot approve or retire versions."),
    "review.type_name": ("本应用未启用登录：请先在侧栏填写您的姓名，审核记录将使用该姓名。", "The app runs without sign-in: type your name in the sidebar first; the review records it."),
    "diff.one_version": ("该条款只有一个版本。", "This clause has one version only."),
    "diff.from": ("旧版本", "From"),
    "diff.to": ("新版本", "To"),
    "diff.redline": ("下载修订对照 .docx（Word 修订模式）", "Download redline .docx (Word tracked changes)"),
    "auth.signed_in": ("已登录：{name}", "Signed in: {name}"),
    "auth.login": ("登录", "Sign in"),
    "auth.logout": ("退出登录", "Sign out"),
    "auth.no_sign_in": ("本应用未启用登录：作者和审核人记录为下方填写的姓名。", "This app runs without sign-in: authors and reviewers are recorded by the name below."),
    "auth.your_name": ("您的姓名", "Your name"),
    "upgrade.retired": ("条款 {id} 使用的 v{version} 已停用，请改用新的已审批版本", "{id} uses v{version}, which is retired: move to a newer approved version"),
    "upgrade.available": ("{n} 条条款有更新的已审批版本", "{n} clauses have a newer approved version"),
    "upgrade.show": ("查看这 {n} 处变化", "Show the {n} changes"),
    "upgrade.apply": ("升级到最新已审批版本", "Upgrade to the latest approved versions"),
    "upgrade.result": ("{id} 已升级到 v{version}，保留 {kept} 个参数值。", "{id} is now v{version}; {kept} values kept."),
    "upgrade.dropped": ("未保留：{items}", "Not kept: {items}"),
    "upgrade.done": ("升级完成", "Upgraded"),
    # templates
    "templates.title": ("模板", "Templates"),
    "templates.none": ("还没有模板。", "No templates yet."),
    "templates.save": ("将当前投标保存为模板", "Save the current bid as a template"),
    "templates.name": ("模板名称", "Template name"),
    "templates.owner": ("负责人", "Owner"),
    "templates.description": ("说明", "Description"),
    "templates.saved": ("模板已保存：{name}", "Template saved: {name}"),
    "templates.load": ("载入到编写页", "Load into Compose"),
    "templates.loaded": ("模板“{name}”已载入编写页", "Template '{name}' loaded into Compose"),
    "templates.delete": ("删除", "Delete"),
    "templates.confirm": ("确认删除模板“{name}”？（文件将移入工作区回收站）", "Delete template '{name}'? (it is moved to the workspace trash)"),
    "templates.deleted": ("模板“{name}”已删除（已移入 {path}）", "Template '{name}' deleted (moved to {path})"),
    "templates.cancel": ("取消", "Cancel"),
    "templates.exists": ("已有同名模板：请换一个名称", "A template of that name exists: choose another name"),
    "templates.clauses": ("{n} 条条款", "{n} clauses"),
    "templates.problems": ("无法读取的模板", "Templates that cannot be read"),
    "findings.met": ("满足要求的 {n} 项", "{n} requirements met"),
    "common.choose": ("请选择", "Choose"),
    # errors
    "error.prefix": ("出错了：{message}", "Error: {message}"),
    "error.conflict": ("保存冲突：{message}", "Save conflict: {message}"),
    "error.where": ("（{where}）", " ({where})"),
    # core errors by code (BidkitError.code), each with the values the core gives
    # -- yaml and library files
    "err.yaml-too-deep": ("YAML 嵌套超过 {limit} 层的上限", "YAML is nested deeper than the {limit}-level limit"),
    "err.yaml-too-many-nodes": ("YAML 含有超过 {limit:,} 个值的上限（别名每重复一次都计入）", "YAML holds over {limit:,} values, the limit (each repeat of an alias counts)"),
    "err.yaml-alias-loop": ("别名 *{anchor} 指向包含它自身的节点（循环引用）", "alias *{anchor} refers to a node that contains it (a loop)"),
    # -- templates and clause text
    "err.template-syntax": ("模板语法错误：{problem}", "template syntax error: {problem}"),
    "err.template-construct": ("条款文本中不能使用“{construct}”：条款只能印出参数值（{{{{ 参数 }}}}、{{{{ 参数 | number }}}}），并用 {{% if %}} … {{% endif %}} 选择文字",
                               "'{construct}' is not allowed in clause text: a clause may only print values ({{{{ name }}}}, {{{{ name | number }}}}) and choose text with {{% if %}} ... {{% endif %}}"),
    "err.template-nesting": ("嵌套超过 {limit} 层的上限", "nested deeper than the {limit}-level limit"),
    "err.template-tokens": ("一个表达式超过 {limit} 个词元的上限", "an expression is longer than the {limit}-token limit"),
    "err.template-number": ("数字 {number}… 超过 {limit} 位的上限", "the number {number}… is longer than the {limit}-character limit"),
    "err.template-undeclared": ("使用了 {{{{ {name} }}}}，但没有声明参数 {name}", "uses {{{{ {name} }}}} but no parameter '{name}' is declared"),
    "err.template-mark": ("“{value}”含有模板标记“{mark}”：参数值原样印出，不会作为模板执行", "'{value}' contains template markup '{mark}': a value is printed as written, never run as a template"),
    "err.template-render": ("条款文本无法生成：{problem}", "cannot be rendered: {problem}"),
    "err.template-render-with": ("参数 {name} 取 {value} 时条款文本无法生成：{problem}", "cannot be rendered with {name} = {value}: {problem}"),
    "err.template-text-too-long": ("条款文本超过 {limit:,} 字的上限", "is over the {limit:,}-character limit"),
    "err.template-too-long": ("生成的条款文本超过 {limit:,} 字的上限", "renders to over the {limit:,}-character limit"),
    "err.clause-missing": ("条款库中没有条款 {id}", "clause {id} is not in the library"),
    "err.version-missing": ("条款 {id} 没有第 {version} 版（现有 {have}）", "clause {id} has no version {version} (it has {have})"),
    # -- saving and reviewing
    "err.library-id-taken": ("编号 {id} 已被分类 {category} 中的条款使用；编号在整个条款库中必须唯一，请换一个编号", "{id} is already the id of a clause in category {category}; ids are unique across the library: choose another id"),
    "err.library-symlink": ("{path} 是符号链接：不会通过链接写入，请换成文件夹本身", "{path} is a symbolic link; nothing is written through links: replace it with the folder itself"),
    # -- files, command line and uploads
    "err.file-missing": ("找不到该文件", "file not found"),
    "err.file-unreadable": ("无法读取：{reason}", "cannot be read: {reason}"),
    "err.file-folder": ("这是文件夹，不是文件", "is a folder, not a file"),
    "err.file-special": ("不是普通文件（管道、套接字或设备？）：请提供保存在磁盘上的文件", "is not a regular file (a pipe, socket or device?); give a file saved on disk"),
    "err.file-too-big": ("文件大小 {size}，超过 {limit} 的上限", "is {size}, over the {limit} limit"),
    "err.bid-too-big": ("文件大小 {size}，超过投标文件 {limit} 的上限", "is {size}, over the {limit} limit of a bid file"),
    "err.not-utf8": ("不是 UTF-8 文本", "is not UTF-8 text"),
    "err.text-encoding": ("文本既不是 UTF-8，也不是 GBK/GB18030 或 Big5 中文：请另存为 UTF-8 后重试", "the text is neither UTF-8 nor GBK/GB18030 nor Big5 Chinese; save it as UTF-8 and try again"),
    "err.name-empty": ("{option} 为空：请填写姓名", "{option} is empty: give the person's name"),
    "err.not-a-reviewer": ("{reviewer} 不在 {settings} 所列的审核人中；启用登录后只有他们可以审批或停用", "{reviewer} is not one of the reviewers listed in {settings}; with sign-in configured only they may approve or retire"),
    "err.secrets-invalid": ("不是有效的 TOML 文件", "is not a valid TOML file"),
    "err.docx-xml-too-big": ("该 .docx 的正文和格式（XML 部件，最大的是 {part}）解压后超过 {limit} 的上限：请提供 PDF 版招标文件，或只把相关章节另存为 .docx",
                             "the .docx's text and formatting (its XML parts; the largest is {part}) unpack to more than {limit} (the limit): give the tender as PDF, or only the chapters that matter as a .docx"),
    "err.docx-xml-too-deep": ("该 .docx 的 XML 嵌套层数超过解析器允许的深度：不是正常的 Word 文档", "the .docx nests its XML deeper than the XML parser allows; it is not a normal Word document"),
}

METRIC_LABELS: dict[str, tuple[str, str]] = {
    "warranty_period": ("质保期", "Warranty period"),
    "response_time": ("响应时间", "Response time"),
    "onsite_arrival": ("到达现场时间", "On-site arrival"),
    "repair_completion": ("修复时间", "Repair time"),
    "replacement_time": ("更换时间", "Replacement time"),
    "substitute_equipment": ("备用设备", "Substitute equipment"),
    "service_hours": ("服务时间", "Service hours"),
    "local_office": ("本地服务机构", "Local office"),
    "staff_count": ("售后人员数", "Staff count"),
    "engineer_count": ("工程师人数", "Engineer count"),
    "training": ("培训", "Training"),
    "spare_parts": ("备品备件", "Spare parts"),
    "return_visit": ("回访", "Return visits"),
    "complaint_response": ("投诉处理", "Complaint handling"),
    "other": ("其他", "Other"),
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **values) -> str:
    zh, en = MESSAGES[key]
    text = en if lang() == "en" else zh
    return text.format(**values) if values else text


def coded_text(problem) -> str:
    """A core problem (an error or a yamlio.Problem) in the page's language: its code's words with
    its values, else its English message."""
    key = f"err.{problem.code}" if getattr(problem, "code", None) else None
    return t(key, **problem.values) if key in MESSAGES else problem.message


def error_text(exc) -> str:
    """A core error (bidkit.errors.BidkitError) in the page's language, with where it is: file name,
    line and field, never a server path."""
    where = ":".join(p for p in (PurePath(exc.file).name if exc.file else "", str(exc.line or "")) if p)
    where = " ".join(p for p in (where, exc.field or "") if p)
    text = coded_text(exc)
    return text + t("error.where", where=where) if where else text


def metric_label(metric: str) -> str:
    return _pick(METRIC_LABELS, metric)


OP_LABELS = {">=": ("不少于 ≥", "at least ≥"), "<=": ("不超过 ≤", "at most ≤"), "==": ("等于 =", "equal ="),
             "present": ("须具备", "must be present")}
UNIT_LABELS = {"": ("—", "—"), "minute": ("分钟", "minutes"), "hour": ("小时", "hours"), "day": ("天", "days"),
               "workday": ("工作日", "working days"), "week": ("周", "weeks"), "month": ("个月", "months"),
               "year": ("年", "years"), "person": ("人", "persons"), "times": ("次/月", "times a month")}


def _pick(table: dict[str, tuple[str, str]], key: str | None) -> str:
    zh, en = table.get(key or "", (key or "", key or ""))
    return en if lang() == "en" else zh


def op_label(op: str) -> str:
    return _pick(OP_LABELS, op)


def unit_label(unit: str | None) -> str:
    return _pick(UNIT_LABELS, unit)
