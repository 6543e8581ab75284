"""Every label of the app in one table, in Chinese (the default) and English."""
from __future__ import annotations

import re
from datetime import date, datetime
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
    "sidebar.library": ("条款库：{clauses} 条，{versions} 个版本", "Library: {clauses} {clauses|clause|clauses}, {versions} {versions|version|versions}"),
    "sidebar.library_issues": ("条款库有 {n} 个文件有问题（见条款库页）", "{n} library {n|file has a problem|files have problems} (see Library)"),
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
    "findings.summary": ("{total} 项要求：{ok} 项满足，{blocking} 项阻断", "{total} {total|requirement|requirements}: {ok} met, {blocking} blocking"),
    "findings.none": ("没有招标要求：在“招标要求”页粘贴或上传招标文件。", "No tender requirements yet: paste or upload the tender on the Tender page."),
    "findings.blocking": ("阻断", "blocking"),
    "findings.clean": ("没有阻断项，可以生成正式文档。", "Nothing blocks: the final document can be downloaded."),
    "output.title": ("生成与保存", "Output"),
    "output.final": ("下载正式 .docx", "Download final .docx"),
    "output.final_blocked": ("有 {n} 个阻断项，不能生成正式文档：{first}", "{n} blocking {n|finding|findings}, no final document: {first}"),
    "output.draft": ("下载草稿 .docx", "Download draft .docx"),
    "output.yaml": ("下载投标 YAML", "Download bid YAML"),
    "output.save_name": ("保存名称", "Save as"),
    "output.save": ("保存到工作区", "Save to workspace"),
    "preview.title": ("预览", "Preview"),
    # tender
    "tender.title": ("招标要求", "Tender requirements"),
    "tender.paste": ("粘贴招标文件文字", "Paste the tender's text"),
    "tender.upload": ("或上传招标文件（.txt .md .docx .pdf）", "Or upload the tender (.txt .md .docx .pdf)"),
    "tender.extract": ("提取要求", "Extract requirements"),
    "tender.extracting": ("正在提取招标要求…", "Extracting requirements…"),
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
    "tender.sections_summary": ("{sections} 个章节，共 {found} 项，其中 {to_check} 项需人工确认", "{sections} {sections|section|sections}, {found} {found|row|rows}, {to_check} to check by hand"),
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
    "library.results": ("{n} 条条款", "{n} {n|clause|clauses}"),
    "library.pick": ("查看条款", "Show clause"),
    "library.versions": ("版本历史", "Versions"),
    "library.rendered": ("按默认值生成的文字", "Text rendered with its defaults"),
    "library.issues": ("条款库文件问题", "Library file problems"),
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
    "library.freshness": ("最近审核：{reviewed} · 被 {uses} 份已保存的投标和模板使用", "Last reviewed: {reviewed} · used by {uses} saved {uses|bid or template|bids and templates}"),
    "library.stale_count": ("{n} 条超过 {days} 天未审核", "{n} not reviewed for {days} {days|day|days}"),
    "col.reviewed": ("最近审核", "Last reviewed"),
    "col.uses": ("使用次数", "Used by"),
    "col.stale": ("待复核", "Stale"),
    "edit.based_on": ("基于 v{version} 编辑；保存后成为下一个版本（草稿），原版本不会被修改。", "Editing on top of v{version}; saving makes the next version (draft); no version is ever changed."),
    "edit.title": ("标题", "Title"),
    "edit.note": ("修订说明（必填）", "What changed and why (required)"),
    "edit.note_placeholder": ("例如：质保起算点改为验收合格之日", "e.g. warranty now starts at acceptance"),
    "edit.need_name": ("请先在侧栏填写您的姓名（或登录），新版本会记录作者。", "Type your name in the sidebar (or sign in) first: the new version records its author."),
    "edit.save": ("保存为新版本（草稿）", "Save as new version (draft)"),
    "edit.saved": ("已保存“{title}” v{version}（草稿，待审核）", "Saved “{title}” v{version} (draft, awaiting review)"),
    "edit.conflict": ("保存冲突：{message}", "Save conflict: {message}"),
    "edit.conflict_diff": ("对方保存的 v{version} 与您的修改对比：", "What they saved as v{version}, against your edit:"),
    "edit.rebase": ("在 v{version} 的基础上重做我的修改", "Redo my edit on top of v{version}"),
    "review.event": ("操作", "Event"),
    "review.approved": ("批准", "approved"),
    "review.retired": ("停用", "retired"),
    "review.created": ("创建", "created"),
    "review.comment": ("审核意见", "Comment"),
    "review.record": ("记录审核结果", "Record the review"),
    "review.recorded": ("已记录：“{title}” v{version} {event}", "Recorded: “{title}” v{version} {event}"),
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
    "upgrade.available": ("{n} 条条款有更新的已审批版本", "{n} {n|clause has|clauses have} a newer approved version"),
    "upgrade.show": ("查看这 {n} 处变化", "Show the {n} {n|change|changes}"),
    "upgrade.apply": ("升级到最新已审批版本", "Upgrade to the latest approved versions"),
    "upgrade.result": ("{id} 已升级到 v{version}，保留 {kept} 个参数值。", "{id} is now v{version}; {kept} {kept|value|values} kept."),
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
    "templates.deleted": ("模板“{name}”已删除（已移入工作区回收站）", "Template '{name}' deleted (moved to the workspace trash)"),
    "templates.cancel": ("取消", "Cancel"),
    "templates.exists": ("已有同名模板：请换一个名称", "A template of that name exists: choose another name"),
    "templates.clauses": ("{n} 条条款", "{n} {n|clause|clauses}"),
    "templates.problems": ("无法读取的模板", "Templates that cannot be read"),
    "findings.met": ("满足要求的 {n} 项", "{n} {n|requirement|requirements} met"),
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
    # -- issue 12: review
    "err.review-stale": ("{id} v{version} 已不是您读过的内容（文件已改动或已不在），未记录任何审核：请重新阅读后再审核",
                         "{id} v{version} is no longer the text you read (its file changed or is gone); nothing was recorded: read it again, then review it"),
    "err.review-own-version": ("{id} v{version} 由 {author} 编写，作者不能批准自己的版本：请另一位审核人批准（四眼原则）；只有一人的团队可在设置文件中写 one_person_team: true",
                               "{id} v{version} was written by {author}, who may not approve it: another reviewer approves it (four-eyes), unless the settings say one_person_team: true"),
    "review.moved": ("所选版本已变为 v{now}，而您读的是 v{seen}：未记录任何审核，请确认版本后再点击",
                     "The selection is now v{now}, but you read v{seen}: nothing was recorded; check the version, then click again"),
    "review.reading": ("您正在审核 v{version}（{status}，作者 {author}，{created}）：{note}", "You are reviewing v{version} ({status}, by {author}, {created}): {note}"),
    "review.template": ("条款正文（模板）", "Clause text (template)"),
    "review.against": ("与最近批准的 v{version} 对比：", "Against v{version}, the latest approved version:"),
    "review.no_approved": ("尚无其他已批准的版本可对比。", "No other approved version to compare with."),
    "merge.mine": ("我的修改", "my edit"),
    "merge.theirs": ("v{version}（{author}）的修改", "v{version} ({author})"),
    "merge.done": ("已把您的修改合并到 v{version} 上，对方的修改都保留了。请检查编辑框中的文字，确认后再点击“保存为新版本（草稿）”。",
                   "Your edit is merged on top of v{version}, keeping their changes. Check the text in the editor, then click Save as new version (draft)."),
    "merge.conflicts": ("有 {n} 处您和对方改了同一段：编辑框中以 <<<<<<< 和 >>>>>>> 标出，上面是您的修改，下面是 v{version} 的。请保留应有的文字并删去标记，之后才能保存。",
                        "You and they changed the same {n|passage|passages} ({n}): the editor marks each between <<<<<<< and >>>>>>>, your edit above, v{version} below. Keep the right text and delete the markers before saving."),
    "merge.diff": ("合并后的文字与 v{version} 对比：", "The merged text against v{version}:"),
    "merge.unresolved": ("{field}中还有未解决的冲突标记（<<<<<<< … >>>>>>>）：请改好并删去标记后再保存",
                         "{field} still holds conflict markers (<<<<<<< … >>>>>>>): resolve them and delete the markers before saving"),
    "err.merge-markers-left": ("条款正文中还有合并留下的冲突标记（<<<<<<< … >>>>>>>）：请改好并删去标记", "the text still holds the conflict markers of a merge (<<<<<<< … >>>>>>>): resolve them and delete the markers"),
    # -- issue 12: decisions
    "decide.open_count": ("还有 {n} 行需要您决定：在“检查结果”中为每行选择偏离情况并确认后，才能生成正式文档",
                          "Rows still needing your decision: {n}. Choose each one's deviation under Findings and "
                          "confirm it; then the final document can be made"),
    "decide.title": ("需要您决定的行（{n}）", "Rows needing your decision ({n})"),
    "decide.status": ("偏离情况", "Deviation"),
    "decide.status.正偏离": ("正偏离", "Better (正偏离)"),
    "decide.status.无偏离": ("无偏离", "Equal (无偏离)"),
    "decide.status.负偏离": ("负偏离", "Worse (负偏离)"),
    "decide.response": ("投标响应（印入偏离表）", "Bid response (printed in the deviation table)"),
    "decide.note": ("说明（可选，印入偏离表）", "Note (optional, printed in the deviation table)"),
    "decide.as": ("将以“{name}”的名义确认", "Confirmed under the name “{name}”"),
    "decide.need_name": ("请先在侧边栏填写您的姓名：每个决定都记录确认人", "Type your name in the sidebar first: every decision records who made it"),
    "decide.need_status": ("请选择偏离情况：正偏离、无偏离或负偏离", "Choose the deviation: better, equal or worse"),
    "decide.need_response": ("请填写投标响应", "Write the bid response"),
    "decide.confirm": ("确认决定", "Confirm the decision"),
    "decide.decided": ("您已决定的行（{n}）", "Rows you decided ({n})"),
    "decide.line": ("**{status}** {requirement}  \n投标响应：{response}  \n由 {by} 于 {at} 确认",
                    "**{status}** {requirement}  \nResponse: {response}  \nConfirmed by {by} on {at}"),
    "decide.reopen": ("重新决定", "Decide again"),
    "decide.dropped": ("招标要求中已没有“{requirement}”：对它的决定（{status}，{by}）已删除",
                       "“{requirement}” is no longer among the tender requirements: its decision ({status}, {by}) was removed"),
    "decide.changed": ("要求 {ref} 的文字已改变（原为“{requirement}”，现为“{new}”）：原来的决定（{status}，{by}）已作废，请重新决定",
                       "The text of requirement {ref} changed (was “{requirement}”, now “{new}”): its decision ({status}, {by}) no longer holds; decide again"),
    "decide.dismiss": ("知道了", "Dismiss"),
    "fix.open_clause": ("打开条款：{title}", "Open the clause: {title}"),
    "fix.add_clause": ("添加建议条款：{title}", "Add the suggested clause: {title}"),
    "err.decision-too-long": ("共 {n} 个字，超过偏离表单元格 {limit} 字的上限", "{n} characters, over the {limit}-character limit of a deviation-table cell"),
    # -- issue 12: compose
    "compose.template_new": ("用模板新建投标", "New bid from the template"),
    "compose.template_new_help": ("新投标：条款、人员、网点和投标人来自模板，项目信息和招标要求为空", "A new bid: clauses, staff, offices and bidder from the template; project details and requirements start empty"),
    "compose.template_into": ("套用到当前投标", "Apply to the current bid"),
    "compose.template_into_help": ("条款、人员、网点和投标人换成模板的；当前投标的项目信息和招标要求保留", "Clauses, staff, offices and bidder become the template's; the current bid keeps its project details and requirements"),
    "templates.new": ("用此模板新建投标", "New bid from it"),
    "compose.missing_clause": ("本投标选用的条款“{id}”不在条款库中（可能已改名或删除），生成文档时不含此条：请移除它，再从上方添加需要的条款。", "The bid names clause '{id}', which the library does not have (renamed or removed?); documents leave it out: remove it and add the clause you need above."),
    "compose.missing_version": ("条款“{title}”没有本投标选用的 v{version}（条款库现有 {have}），生成文档时不含此条：请改用其中一个版本，或移除。", "Clause '{title}' has no v{version}, which the bid names (the library has {have}); documents leave it out: use one of those versions, or remove it."),
    "compose.other_version": ("改用版本", "Use version"),
    "compose.use_version": ("改用此版本", "Use this version"),
    "compose.missing_status": ("条款缺失", "Clause missing"),
    "compose.missing_finding": ("条款“{title}”不在条款库中（或没有所选版本），未写入文档：请在“承诺条款”中移除或更换。", "Clause '{title}' is not in the library (or not in the chosen version) and is left out: remove or replace it under Commitment clauses."),
    "confirm.cancel": ("取消", "Cancel"),
    "confirm.replace_yes": ("继续", "Continue"),
    "confirm.undo_hint": ("之后可以点“撤销”找回。", "You can take it back with Undo."),
    "confirm.blank": ("**新建空白投标？** 当前投标有未保存的修改，将被清空。", "**Start a blank bid?** The current bid has unsaved changes, which will be cleared."),
    "confirm.open": ("**打开“{name}”？** 当前投标有未保存的修改，将被替换。", "**Open '{name}'?** The current bid has unsaved changes, which will be replaced."),
    "confirm.template_new": ("**用模板“{name}”新建投标？** 当前投标有未保存的修改，将被替换。", "**Start a new bid from '{name}'?** The current bid has unsaved changes, which will be replaced."),
    "confirm.template_into": ("**把模板“{name}”套用到当前投标？** 当前投标的条款、人员、网点或投标人有未保存的修改，将换成模板的（项目信息和招标要求保留）。", "**Apply '{name}' to the current bid?** Its clauses, staff, offices or bidder have unsaved changes, which the template's replace (project details and requirements stay)."),
    "confirm.remove": ("**移除条款“{title}”？** 它的参数值将一并移除。", "**Remove the clause '{title}'?** Its values go with it."),
    "undo.button": ("撤销：{label}", "Undo: {label}"),
    "undo.done": ("已撤销：{label}", "Undone: {label}"),
    "undo.blank": ("新建空白投标", "new blank bid"),
    "undo.template": ("载入模板“{name}”", "loading the template '{name}'"),
    "undo.open": ("打开“{name}”", "opening '{name}'"),
    "undo.remove": ("移除条款“{title}”", "removing the clause '{title}'"),
    "undo.restore": ("恢复未保存的投标", "restoring the unsaved bid"),
    "undo.requirements": ("替换招标要求", "replacing the requirements"),
    "draft.found": ("有一份未保存的投标：{project}（自动保存于 {saved}）", "There is an unsaved bid: {project} (kept automatically at {saved})"),
    "draft.restore": ("恢复未保存的投标", "Restore the unsaved bid"),
    "draft.dismiss": ("不恢复", "Don't restore"),
    "draft.dismiss_help": ("继续编辑当前投标；下次修改时，这份未保存的投标将被当前投标替换", "Keep editing the current bid; your next change replaces that unsaved bid"),
    "draft.unreadable": ("无法读取您上次未保存的投标：{message}", "Your last unsaved bid cannot be read: {message}"),
    "draft.not_kept": ("无法自动保存未保存的投标（工作区不可写）：请及时保存", "Your unsaved bid cannot be kept (the workspace is not writable): save it soon"),
    # -- issue 12: tender and language
    "st.upload": ("选择文件", "Upload"),
    "st.upload_limit": ("拖放文件到此处，单个文件不超过 {limit} MB", "Drop a file here, up to {limit} MB a file"),
    "st.apply_text_area": ("按 Ctrl+Enter 确认", "Press Ctrl+Enter to apply"),
    "st.apply_text_input": ("按 Enter 确认", "Press Enter to apply"),
    "tender.paste_hint": ("把招标文件中售后服务相关的文字粘贴到这里", "Paste the after-sales part of the tender here"),
    "tender.source_both": ("已粘贴文字，也已上传文件：从哪一个提取？", "Text is pasted and a file is uploaded: extract from which?"),
    "tender.source_file": ("上传的文件 {name}", "the uploaded file {name}"),
    "tender.source_text": ("粘贴的文字", "the pasted text"),
    "tender.uses_file": ("将从上传的文件 {name} 提取", "Extracts from the uploaded file {name}"),
    "tender.uses_text": ("将从粘贴的文字提取", "Extracts from the pasted text"),
    "tender.found": ("找到 {n} 项售后服务要求", "Found {n} after-sales {n|requirement|requirements}"),
    "tender.replaced": ("找到 {n} 项售后服务要求，已替换原有的 {old} 项", "Found {n} after-sales {n|requirement|requirements}; they replace the {old} there {old|was|were}"),
    "tender.appended": ("找到 {n} 项售后服务要求，已追加；其中 {same} 项与现有要求相同，未重复添加", "Found {n} after-sales {n|requirement|requirements} and added them; {same} {same|was|were} already there and {same|was|were} not added again"),
    "tender.confirm_replace": ("**替换现有要求？** 找到 {n} 项售后服务要求；现有的 {old} 项要求（包括您的修改）将被替换。", "**Replace the current requirements?** Found {n} after-sales {n|requirement|requirements}; the {old} current {old|requirement|requirements}, with your edits, will be replaced."),
    "tender.replace_yes": ("替换", "Replace"),
    "tender.nothing_kept": ("没有找到售后服务要求：现有要求未改动", "No after-sales requirements found: the current requirements are unchanged"),
    # values a user types: quantities, service hours, parameters
    "err.unit-unknown": ("未知单位“{unit}”", "unknown unit '{unit}': use one of {units}"),
    "err.number-unreadable": ("“{text}”不是数字", "'{text}' is not a number"),
    "err.number-range": ("“{text}”不是一个数字（“三四”这样的范围无法比较）", "'{text}' is not a number (a range such as 三四 cannot be compared)"),
    "err.number-too-large": ("“{text}”太大，不是可用的数字", "'{text}' is too large to be a number"),
    "err.quantity-unreadable": ("“{text}”不是数量：请写成数字加单位，例如 36个月 或 2小时", "'{text}' is not a quantity: write a number and a unit such as 36个月 or 2 hour"),
    "err.quantity-empty": ("数量为空：请写成数字加单位，例如 36个月 或 2小时", "the quantity is empty: write a number and a unit such as 36个月 or 2 hour"),
    "err.quantity-negative": ("“{text}”是负数：时长和数量不能小于零", "'{text}' is negative: a duration or count cannot be below zero"),
    "err.quantity-no-unit": ("“{text}”缺少单位：请写成 {text}个月、{text}小时 等", "'{text}' has no unit: write it as {text} month, {text}个月, {text} hour ..."),
    "err.quantity-half-twice": ("“{text}”不是数量：“半”出现了两次", "'{text}' is not a quantity: 半 appears twice"),
    "err.service-hours-unreadable": ("“{text}”不是服务时间：请写成每周天数×每天小时数，例如 7×24 或 5×8", "'{text}' is not service hours: write days a week × hours a day, such as 7×24 or 5×8"),
    "err.service-hours-whole": ("“{text}”：服务时间的天数和小时数须为整数", "'{text}': service hours need whole numbers"),
    "err.service-hours-days": ("服务时间 {days}×{hours}：每周天数须为 1 到 7", "service hours {days}×{hours}: days a week must be 1 to 7"),
    "err.service-hours-hours": ("服务时间 {days}×{hours}：每天小时数须为 1 到 24", "service hours {days}×{hours}: hours a day must be 1 to 24"),
    "err.clause-param": ("{ref}：{problem}", "{ref}: {problem}"),
    "err.param-unknown": ("“{name}”不是该条款的参数（条款已改版？请在“承诺条款”中重新选择）", "{name} is not a parameter of this clause (a newer version? choose it again under Commitment clauses)"),
    "err.param-empty": ("“{name}”未填写", "{name} is empty"),
    "err.param-unreadable": ("“{name}”的值“{raw}”无法读取：{problem}", "{name} '{raw}': {problem}"),
    "err.param-wrong-type": ("“{name}”的值“{raw}”类型不对", "{name} '{raw}' is of the wrong type"),
    "err.param-count-not-duration": ("“{name}”的值“{raw}”是数量，但该参数是时长", "{name} '{raw}' is a count, but this parameter is a duration"),
    "err.param-duration-not-count": ("“{name}”的值“{raw}”是时长，但该参数是数量", "{name} '{raw}' is a duration, but this parameter is a count"),
    "err.param-not-yes-no": ("“{name}”的值“{raw}”不是“是”或“否”", "{name} '{raw}' is not yes/no"),
    "err.param-not-a-choice": ("“{name}”的值“{raw}”不在可选项中（{choices}）", "{name} '{raw}' is not one of {choices}"),
    "err.param-below-min": ("“{name}”为 {value}，低于下限 {bound}", "{name} {value} is below the minimum {bound}"),
    "err.param-above-max": ("“{name}”为 {value}，超过上限 {bound}", "{name} {value} is above the maximum {bound}"),
    # saving
    "err.save-taken": ("已被他人抢先保存；没有覆盖任何文件：请换一个名称，或重新载入后再保存", "was saved by someone else first; nothing was overwritten"),
    "err.save-exists": ("已有同名文件：请换一个名称，或打开它再保存", "already exists; choose another name, or open it and save from there"),
    "err.save-changed": ("在您打开之后已被他人修改；没有覆盖任何内容：请重新载入后再做一次您的修改", "was changed by someone else since you opened it; nothing was overwritten: reload and redo your change"),
    # tender files
    "err.tender-old-format": ("无法读取 {suffix} 文件：请在 Word 或 WPS 中另存为 .docx（或 .pdf）后重试", "{suffix} files cannot be read; save the tender as .docx (or .pdf) and try again"),
    "err.tender-file-type": ("不支持的文件类型“{suffix}”：请上传 .txt、.md、.docx 或 .pdf", "unsupported file type '{suffix}'; use .txt, .md, .docx or .pdf"),
    "err.tender-text-too-big": ("文字文件大小 {size}，超过 {limit} 的上限：请只提取相关章节", "the text is {size}, over the {limit} limit: extract the relevant chapters"),
    "err.file-empty": ("文件是空的", "the file is empty"),
    "err.file-no-text": ("文件中没有文字", "the file holds no text"),
    "err.file-binary": ("这是二进制文件，不是文字：请上传 .txt、.md、.docx 或 .pdf 格式的招标文件", "this is a binary file, not text; give the tender as .txt, .md, .docx or .pdf"),
    "err.text-utf16-broken": ("文件开头像 UTF-16 文本，但无法解码", "the file starts like UTF-16 text but cannot be decoded"),
    "err.pdf-no-header": ("不是 PDF 文件（文件开头没有 PDF 标记）：是否由其他格式改名而来？", "is not a PDF file (no %PDF header); was it renamed from another format?"),
    "err.pdf-corrupt": ("PDF 文件已损坏，无法读取：请打开后重新保存或打印为 PDF", "the PDF is corrupt and cannot be read ({reason}); open it and save or print it to PDF again"),
    "err.pdf-corrupt-page": ("PDF 第 {page} 页已损坏，无法读取：请打开后重新保存或打印为 PDF", "the PDF's page {page} is corrupt ({reason}); open it and save or print it to PDF again"),
    "err.pdf-no-pages": ("PDF 文件没有页面，无法读取", "the PDF has no pages"),
    "err.pdf-password": ("PDF 设有密码：请去掉密码后重试", "the PDF is password-protected; remove the password and try again"),
    "err.pdf-encrypted": ("PDF 已加密，无法打开：请去掉保护（重新打印为 PDF）后重试", "the PDF is encrypted in a way that cannot be opened; remove the protection (print it to PDF again) and try again"),
    "err.pdf-too-many-pages": ("PDF 有 {pages:,} 页，超过 {limit:,} 页的上限：请只提取相关章节", "the PDF has {pages:,} pages, over the {limit:,}-page limit: extract the relevant chapters"),
    "err.pdf-too-many-chars": ("PDF 的文字超过 {limit:,} 字的上限：请只提取相关章节", "the PDF holds more than {limit:,} characters (the limit): extract the relevant chapters"),
    "err.pdf-page-too-many-chars": ("PDF 第 {page} 页有 {chars:,} 个字符，超过每页 {limit:,} 个的上限", "page {page} holds {chars:,} characters, over the {limit:,} limit of a page"),
    "err.pdf-no-text": ("PDF 没有文字层（扫描件？）：需要先做文字识别（OCR）", "the PDF has no text layer (a scanned document?); it needs OCR first"),
    "err.pdf-unmapped-font": ("PDF 的文字层无法读取（字体缺少 Unicode 映射）：需要先做文字识别（OCR）", "the PDF's text layer is unreadable (a font without a Unicode map); it needs OCR first"),
    "err.pdf-mojibake": ("PDF 的文字层无法读取（多为乱码）：需要先做文字识别（OCR）", "the PDF's text layer is unreadable (garbled characters); it needs OCR first"),
    "err.docx-unreadable": ("不是可读取的 .docx 文件：请在 Word 中打开后重新保存", "is not a readable .docx file; open it in Word and save it again"),
    "err.docx-renamed-doc": ("这是改名为 .docx 的 Word 97-2003 .doc（或 WPS）文件：请在 Word 或 WPS 中另存为 .docx", "this is a Word 97-2003 .doc (or WPS) file renamed to .docx; open it in Word or WPS and save as .docx"),
    "err.docx-not-zip": ("不是 .docx 文件（不是 zip 包）：是否由其他格式改名而来？请在 Word 中另存为 .docx 后重试", "is not a .docx file (not a zip package); was it renamed from another format? Save it as .docx from Word and try again"),
    "err.docx-too-many-parts": ("该 .docx 包含 {parts:,} 个部件，超过 {limit:,} 个的上限：不是正常的 Word 文档", "the .docx package holds {parts:,} parts, over the {limit:,} limit; it is not a normal Word document"),
    "err.docx-too-big": ("该 .docx 解压后超过 {limit} 的上限：不是正常的 Word 文档（压缩炸弹？）", "the .docx unpacks to more than {limit} (the limit); it is not a normal Word document (a zip bomb?)"),
    "err.docx-ratio": ("该 .docx 的部件 {part} 压缩比超过 {ratio}:1 的上限：不是正常的 Word 文档（压缩炸弹？）", "the .docx part {part} is compressed more than {ratio}:1 (the limit); it is not a normal Word document (a zip bomb?)"),
    "err.docx-is-xlsx": ("这是改名为 .docx 的 Excel .xlsx 文件：请上传 .docx 或 .pdf 格式的招标文件", "this is an Excel .xlsx file renamed to .docx; give the tender as .docx or .pdf"),
    "err.docx-is-pptx": ("这是改名为 .docx 的 PowerPoint .pptx 文件：请上传 .docx 或 .pdf 格式的招标文件", "this is a PowerPoint .pptx file renamed to .docx; give the tender as .docx or .pdf"),
    # -- issue 12: chapter
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
    # -- issue 12: language
    "err.edit-conflict-by": ("{author} 于 {created} 已保存 v{latest}；您的修改基于 v{based_on}。没有覆盖任何内容：请在 v{latest} 的基础上重做您的修改",
                             "{author} saved v{latest} on {created}; your edit is based on v{based_on}. Nothing was overwritten: redo your change on top of v{latest}"),
    "err.edit-conflict": ("已有人保存了 v{latest}；您的修改基于 v{based_on}。没有覆盖任何内容：请在 v{latest} 的基础上重做您的修改",
                          "v{latest} has been saved meanwhile; your edit is based on v{based_on}. Nothing was overwritten: redo your change on top of v{latest}"),
    "err.edit-based-on-missing": ("您的修改基于 v{based_on}，但最新的版本是 v{latest}", "your edit is based on v{based_on}, but the latest version is v{latest}"),
    "err.review-retired": ("“{title}” v{version} 已停用，不能再审核：请编辑新版本", "“{title}” v{version} is retired: make a new version instead"),
    "err.review-already-approved": ("“{title}” v{version} 已经批准过了", "“{title}” v{version} is already approved"),
    "library.pick_same": ("{title}（{id}）", "{title} ({id})"),
    "library.stale": ("该条款超过 {days} 天未经审核，请法务复核", "Not reviewed for over {days} {days|day|days}: ask legal to review it"),
    # -- issue 13: risks
    "risks.anonymous": ("暗标（技术标不出现投标人信息）", "Anonymous bid (暗标: nothing names the bidder)"),
    "risks.anonymous_help": ("生成的章节不含投标人名称、地址、电话、人员姓名和标志；条款中残留的此类信息列为阻断项",
                             "The chapter carries no bidder name, address, phone, staff name or logo; any left in clause text blocks the final document"),
    # -- issue 12: clause editor
    "edit.params_yaml": ("参数 YAML 第 {line} 行无法解析：{problem}", "Parameters YAML does not parse at line {line}: {problem}"),
    "pform.text": ("条款正文", "Clause text"),
    "pform.text_help": ("{{ 字段名 }} 处印出参数的值；空行分段。用下方的“插入”按钮把字段加到正文末尾（浏览器页面无法在光标处插入），再剪切到需要的位置。",
                        "{{ name }} prints a parameter's value; a blank line starts a paragraph. The Insert buttons below add a field at the end of the text (the page cannot insert at the cursor): cut it to where it belongs."),
    "pform.fields": ("可用字段：{fields}", "Fields: {fields}"),
    "pform.numeric": ("（可只印数字）", " (or its number)"),
    "pform.field": ("字段", "Field"),
    "pform.insert_help": ("插入到正文末尾：网页无法在光标处插入", "Inserted at the end of the text: a web page cannot insert at the cursor"),
    "pform.insert": ("插入字段", "Insert field"),
    "pform.insert_number": ("插入数字", "Insert number"),
    "pform.bid.bidder": ("投标人名称", "Bidder's name"),
    "pform.bid.hotline": ("服务热线", "Service hotline"),
    "pform.bid.buyer": ("采购人", "Buyer"),
    "pform.bid.project": ("项目名称", "Project name"),
    "pform.preview": ("按默认值生成的条款（黄色为参数值）", "The clause with the defaults (parameter values in yellow)"),
    "pform.problems": ("参数表中有 {n} 处问题，见左侧标出的参数；改好之前不能保存。", "The parameters have {n|problem|problems} ({n}), marked on the left; fix {n|it|them} before saving."),
    "pform.title": ("参数", "Parameters"),
    "pform.row_title": ("{label}（{{{{ {name} }}}}）", "{label} ({{{{ {name} }}}})"),
    "pform.no_label": ("新参数", "New parameter"),
    "pform.remove": ("删除此参数", "Remove this parameter"),
    "pform.add": ("添加参数", "Add a parameter"),
    "pform.add_help": ("每个条款最多 {limit} 个参数", "A clause has at most {limit} parameters"),
    "pform.label": ("名称（中文）", "Label"),
    "pform.label_help": ("投标人填写时看到的名称，例如“质保期”", "The name a bid writer sees, e.g. Warranty period"),
    "pform.name": ("字段名", "Field name"),
    "pform.name_help": ("正文中以 {{ 字段名 }} 引用；只能用小写字母、数字和下划线，以字母开头", "Used as {{ name }} in the text: lower-case letters, digits and _, starting with a letter"),
    "pform.type": ("类型", "Type"),
    "pform.type.duration": ("时长（数字＋单位）", "Duration (number and unit)"),
    "pform.type.count": ("数量（数字＋单位）", "Count (number and unit)"),
    "pform.type.text": ("文字", "Text"),
    "pform.type.choice": ("选项", "Choice"),
    "pform.type.bool": ("是／否", "Yes / no"),
    "pform.type.service_hours": ("服务时间（如 7×24）", "Service hours (e.g. 7×24)"),
    "pform.metric": ("对应的招标要求", "Tender requirement it answers"),
    "pform.no_metric": ("—（不对应）", "— (none)"),
    "pform.metric_help": ("检查偏离时，用此参数的值回应该项要求", "The check answers this requirement with the parameter's value"),
    "pform.default": ("默认值", "Default"),
    "pform.min": ("下限", "Minimum"),
    "pform.max": ("上限", "Maximum"),
    "pform.unit": ("单位", "Unit"),
    "pform.choices": ("可选项（每行一项）", "Choices (one a line)"),
    "pform.choices_help": ("最多 {limit} 项", "At most {limit}"),
    "pform.pick_default": ("选择默认值", "Choose the default"),
    "pform.unset": ("—（不设默认值）", "— (no default)"),
    "pform.yes": ("是", "Yes"),
    "pform.no": ("否", "No"),
    "pform.service_hours_help": ("例如 7×24 或 5×8", "e.g. 7×24 or 5×8"),
    "pform.help": ("填写说明（可选）", "Help for the writer (optional)"),
    "pform.help_help": ("投标人填写此参数时看到的提示", "Shown to a bid writer filling in this parameter"),
    "pform.yaml": ("专家视图：参数 YAML", "Expert view: parameters as YAML"),
    "pform.yaml_caption": ("与上方表单同步。在此修改后点击“应用到表单”才会替换表单；保存以表单为准。", "In step with the form above. An edit here replaces the form when applied; saving uses the form."),
    "pform.yaml_label": ("参数 YAML", "Parameters YAML"),
    "pform.yaml_apply": ("应用到表单", "Apply to the form"),
    "pform.yaml_discard": ("放弃 YAML 中的修改", "Discard the YAML edit"),
    "pform.yaml_unapplied": ("专家视图中的参数 YAML 有未应用的修改：请点击“应用到表单”或“放弃 YAML 中的修改”后再保存", "The parameters YAML in the expert view has an edit not yet applied: apply or discard it before saving"),
    "err.param-form-too-many": ("共 {n} 个参数，超过每个条款 {limit} 个参数的上限", "{n} parameters, over the {limit}-parameter limit of a clause"),
    "err.param-form-not-mapping": ("参数 {name} 应为包含 label、type、default 等的映射", "parameter {name} is not a mapping of label, type, default ..."),
    "err.param-form-field": ("参数 {name} 的 {entry} 有误", "parameter {name}: {entry} is not valid"),
    "err.param-form-name": ("参数“{label}”：字段名“{name}”只能用小写字母、数字和下划线，并以字母开头", "parameter {label}: the field name '{name}' must be lower-case letters, digits and _, starting with a letter"),
    "err.param-form-name-taken": ("参数“{label}”：字段名“{name}”已被使用", "parameter {label}: the field name '{name}' is already used"),
    "err.param-form-label-empty": ("参数 {name}：请填写名称（中文）", "parameter {name}: give it a label"),
    "err.param-form-no-choices": ("参数“{label}”：请填写可选项", "parameter {label}: list its choices"),
    "err.param-form-label-long": ("参数“{label}”：名称共 {n} 个字，超过 {limit} 个字的上限", "parameter {label}: the label is {n} characters long, over the {limit}-character limit"),
    "err.param-form-help-long": ("参数“{label}”：填写说明共 {n} 个字，超过 {limit} 个字的上限", "parameter {label}: the help is {n} characters long, over the {limit}-character limit"),
    "err.param-form-choices-long": ("参数“{label}”：有一个可选项共 {n} 个字，超过 {limit} 个字的上限", "parameter {label}: a choice is {n} characters long, over the {limit}-character limit"),
    "err.param-form-too-many-choices": ("参数“{label}”：共 {n} 个可选项，超过 {limit} 项的上限", "parameter {label}: {n} choices, over the {limit}-choice limit"),
    "err.param-form-default": ("参数“{label}”：默认值有误：{problem}", "parameter {label}: default: {problem}"),
    "err.param-form-min": ("参数“{label}”：下限有误：{problem}", "parameter {label}: minimum: {problem}"),
    "err.param-form-max": ("参数“{label}”：上限有误：{problem}", "parameter {label}: maximum: {problem}"),
    "err.param-form-min-above-max": ("参数“{label}”：下限 {low} 高于上限 {high}", "parameter {label}: the minimum {low} is above the maximum {high}"),
    "err.param-form-default-above-max": ("参数“{label}”：默认值 {value} 高于上限 {bound}", "parameter {label}: the default {value} is above the maximum {bound}"),
    "err.param-form-default-below-min": ("参数“{label}”：默认值 {value} 低于下限 {bound}", "parameter {label}: the default {value} is below the minimum {bound}"),
    "err.param-form-invalid": ("参数“{label}”有误：{problem}", "parameter {label}: {problem}"),
    # -- issue 13: forms
    "err.form-title-too-long": ("招标文件格式的标题有 {n} 字，超过 {limit} 字的上限", "{n} characters, over the {limit}-character limit of a tender's form"),
    "err.form-header-too-long": ("招标文件格式的列名有 {n} 字，超过 {limit} 字的上限", "{n} characters, over the {limit}-character limit of a tender's form"),
    "err.form-text-too-long": ("招标文件的承诺函格式有 {n} 字，超过 {limit} 字的上限", "{n} characters, over the {limit}-character limit of a tender's form"),
    "err.form-too-many-columns": ("招标文件的偏离表格式有 {n} 列，超过 {limit} 列的上限", "{n} columns, over the {limit}-columns limit of a tender's form"),
    "err.form-too-many-choices": ("招标文件的偏离表格式列出 {n} 种偏离情况，超过 {limit} 种的上限", "{n} choices, over the {limit}-choices limit of a tender's form"),
    # -- issue 13: score
    "score.set-value": ("{label}改为{value}可再得{gain}分", "set {label} to {value} to earn {gain} more points"),
    "score.no-offer": ("所选条款未承诺该项", "no chosen clause commits this"),
    "score.no-base": ("招标文件未给出该项的基准值", "the tender states no base value for this"),
    "score.not-comparable": ("承诺值与评分标准计量方式不同，无法估算", "the offer is not comparable with the rule"),
    # -- issue 14: database
    "err.db-not-configured": ("未配置数据库：请把 {variable}（或 {settings} 中的 database_url）设为 postgresql://用户@主机:端口/数据库",
                              "no database is configured: set {variable} (or database_url in {settings}) to postgresql://user@host:port/database"),
    "err.db-url-invalid": ("{where} 不是 PostgreSQL 地址（postgresql://用户:密码@主机:端口/数据库）：{reason}",
                           "{where} is not a PostgreSQL URL (postgresql://user:password@host:port/database): {reason}"),
    "err.db-unreachable": ("无法连接数据库服务器 {host}:{port}（{reason}）：请确认 PostgreSQL 正在运行且地址正确",
                           "cannot reach the database server at {host}:{port} ({reason}): is PostgreSQL running there and the URL right?"),
    "err.db-auth": ("数据库服务器 {host}:{port} 拒绝了用户 {user}：密码错误或该角色不存在",
                    "the server at {host}:{port} refused user {user}: wrong password or unknown role"),
    "err.db-unknown-database": ("数据库 {database} 在 {host}:{port} 上不存在：请先创建（createdb）或改正地址",
                                "the database {database} does not exist on {host}:{port}: create it (createdb) or fix the URL"),
    "err.db-schema-older": ("数据库结构版本为 {found}，本程序需要 {needed}：请运行 `{command}`",
                            "the database schema is version {found}, this bidkit needs {needed}: run `{command}`"),
    "err.db-schema-newer": ("数据库结构版本为 {found}，比本程序所知的 {needed} 更新：请升级本机的 bidkit",
                            "the database schema is version {found}, newer than this bidkit knows ({needed}): upgrade bidkit on this machine"),
    "err.db-migration-failed": ("数据库迁移 {migration} 失败：{reason}；该迁移未作任何更改（此数据库是否被其他程序使用？）",
                                "migration {migration} failed: {reason}; nothing of it was applied (is this database used by something other than bidkit?)"),
    "err.db-unavailable": ("数据库暂时不可用，已保存的内容不会丢失：请稍后重试",
                           "the database is unavailable for now; nothing was lost: try again in a moment"),
    # -- issue 13: pages
    "tpage.rules": ("评分标准中的售后评分项（{n} 项）", "After-sales rows of the scoring table ({n})"),
    "tpage.col.factor": ("评分项", "Scoring item"),
    "tpage.col.kind": ("类型", "Kind"),
    "tpage.col.points": ("分值", "Points"),
    "tpage.col.text": ("评分标准", "Scoring rule"),
    "tpage.kind.tiers": ("分档计分", "tiers"),
    "tpage.kind.increment": ("逐级加分", "per step"),
    "tpage.kind.count": ("按人数/数量计分", "per count"),
    "tpage.kind.presence": ("具备即得分", "if promised"),
    "tpage.kind.subjective": ("评委评定", "panel's judgement"),
    "tpage.forms": ("招标文件规定的格式（{n} 个）", "Forms the tender prescribes ({n})"),
    "tpage.col.form": ("格式名称", "Form"),
    "tpage.col.columns": ("列", "Columns"),
    "tpage.col.used": ("用于我方偏离表", "Used for our deviation table"),
    "tpage.form_pick": ("我方偏离表采用的格式", "Our deviation table follows"),
    "tpage.form_none": ("不采用（使用本工具的偏离表格式）", "None (bidkit's own layout)"),
    "tpage.form_untitled": ("（无标题的偏离表）", "(untitled deviation table)"),
    "tpage.letter": ("承诺函格式：{title}", "Letter form: {title}"),
    "err.scoring-rules-too-many": ("加上已有的评分项共 {n} 项，超过每份投标 {limit} 项的上限：请选择“替换”而不是“追加”",
                                   "{n} scoring rules with those already kept, over the {limit}-rule limit of a bid: replace them instead of appending"),
    "scorep.tab": ("评分自查", "Score estimate"),
    "scorep.no_rules": ("还没有评分标准：在“招标要求”页提取招标文件时会一并读取其中的售后评分项。",
                        "No scoring rules yet: extracting the tender on the Tender page reads its after-sales scoring rows."),
    "scorep.col.factor": ("评分项", "Scoring item"),
    "scorep.col.offer": ("我方承诺", "Our offer"),
    "scorep.col.points": ("得分/满分", "Earned / max"),
    "scorep.col.gain": ("可再得", "Still to earn"),
    "scorep.col.advice": ("建议", "Suggestion"),
    "scorep.subjective": ("由评委评定", "judged by the panel"),
    "scorep.add-clause": ("加入条款“{title}”最多可再得{gain}分", "add the clause '{title}' to earn up to {gain} more points"),
    "scorep.at_most": ("最多", "at most"),
    "scorep.at_least": ("至少", "at least"),
    "scorep.out_of_bounds": ("条款库允许的{label}{word}{bound}：无法再得分", "the library allows {label} {word} {bound}: no more points"),
    "scorep.bounded": ("条款库允许的{label}{word}{bound}：改为{value}可再得{gain}分",
                       "the library allows {label} {word} {bound}: {value} earns {gain} more points"),
    "scorep.totals": ("预计得分 {earned} / 满分 {max}，可再得 {gain}", "Estimated {earned} of {max}, {gain} still to earn"),
    "scorep.judged": ("（其中 {points} 分由评委评定）", " ({points} judged by the panel)"),
    "scorep.best": ("争取满分", "Earn the maximum"),
    "scorep.best_help": ("把每个计分参数改为条款库允许范围内得分最高的值，确认后才修改，每项可单独撤销",
                         "Set each scored parameter to the value that earns the most within the library's bounds; asks first, and each change can be undone"),
    "scorep.best_none": ("条款库允许的范围内已无法再得分", "No more points can be earned within the library's bounds"),
    "scorep.confirm": ("争取满分将作以下修改：", "Earning the maximum makes these changes:"),
    "scorep.change": ("- {label}：{old} → {new}（+{gain}分）", "- {label}: {old} → {new} (+{gain})"),
    "scorep.confirm_total": ("预计得分 {before} → {after} / 满分 {max}", "Estimated {before} → {after} of {max}"),
    "scorep.confirm_yes": ("修改", "Make the changes"),
    "scorep.undo_best": ("争取满分", "earning the maximum"),
    "scorep.applied": ("已修改 {n} 项，预计得分 {earned} / 满分 {max}", "{n} {n|change|changes} made: estimated {earned} of {max}"),
    "scorep.applied_title": ("争取满分所作的修改（可逐项撤销）", "Changes made to earn the maximum (undo any one)"),
    "scorep.applied_row": ("{label}：{old} → {new}", "{label}: {old} → {new}"),
    "scorep.undo": ("撤销", "Undo"),
    "scorep.undone": ("已撤销：{label}恢复为{value}", "Undone: {label} is {value} again"),
    # -- issue 13: xlsx
    "xlsx.download": ("下载检查结果、偏离表和评分自查（Excel）", "Download the findings, deviation table and score (Excel)"),
    "xlsx.help": ("一个 .xlsx 文件，每表一页：检查结果、偏离表、评分自查；★行标色",
                  "One .xlsx, a sheet each: findings, deviation table, score estimate; ★ rows coloured"),
    "err.xlsx-suffix": ("Excel 文件名须以 .xlsx 结尾：{name}", "the workbook's name must end in .xlsx: {name}"),
    "err.output-unwritable": ("无法写入文件：{reason}", "the file cannot be written: {reason}"),
    # -- issue 14: storage
    "output.saved": ("已保存：{name}", "Saved: {name}"),
    "store.retry": ("重试", "Try again"),
    "err.audit-unwritable": ("“{subject}”已保存，但审计日志无法写入（{reason}）：请告知系统管理员",
                             "{subject} was saved, but the audit log could not be written ({reason}): tell whoever runs bidkit"),
    "err.template-missing": ("没有名为“{name}”的模板（是否刚被他人删除？）", "there is no template '{name}' (deleted meanwhile?)"),
    # -- issue 14: pg store
    "err.library-import-broken": ("条款库文件夹有 {count} 处问题，第一处：{first}；未导入任何内容：请先修正"
                                  "（python -m bidkit library validate 可列出全部）",
                                  "has {count} problem(s), the first {first}; nothing was imported: fix them "
                                  "(python -m bidkit library validate lists them all)"),
    "err.library-import-differs": ("{path} 与数据库中同一路径的文本不同；未导入任何内容（已存的版本不会被覆盖："
                                   "请另存为新版本）",
                                   "{path} differs from the text the database holds under this path; nothing was "
                                   "imported (a stored version is never overwritten: save yours as a new version)"),
    "err.library-export-differs": ("{path} 已存在且与数据库中的文本不同；未导出任何内容（请导出到空文件夹，或先移走该文件）",
                                   "{path} is already there and differs from the database's text; nothing was "
                                   "exported (export into an empty folder, or move this file away)"),
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


# {n|requirement|requirements}: the English word for the count in value n (Chinese has no plural)
_PLURAL_RE = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")


def t(key: str, **values) -> str:
    zh, en = MESSAGES[key]
    if lang() != "en":
        return zh.format(**values) if values else zh
    text = _PLURAL_RE.sub(lambda m: m[2] if values.get(m[1]) == 1 else m[3], en)
    return text.format(**values) if values else text


def date_text(moment: datetime | date | str | None) -> str:
    """A date as the page shows it: 2026年11月29日 10:25 (29 Nov 2026 10:25), in the server's
    time zone; a date without a time has no time; an ISO string is read first; None is ""."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment) if len(moment) > 10 else date.fromisoformat(moment)
    if isinstance(moment, datetime):
        moment = moment.astimezone() if moment.tzinfo else moment
        day, time = moment.date(), f" {moment:%H:%M}"
    else:
        day, time = moment, ""
    if lang() == "en":
        return f"{day.day} {day:%b %Y}{time}"
    return f"{day.year}年{day.month}月{day.day}日{time}"


def coded_text(problem) -> str:
    """A core problem (an error or a yamlio.Problem) in the page's language: its code's words with
    its values, else its English message."""
    key = f"err.{problem.code}" if getattr(problem, "code", None) else None
    if key not in MESSAGES:
        return problem.message
    # a value may itself be a problem (the reason a parameter's value cannot be read)
    return t(key, **{name: _value_text(v) for name, v in problem.values.items()})


def finding_text(finding) -> str:
    """A check's finding as the page shows it: a clause's coded problem in the page's language, the
    rest (worded by the check for the chapter's Chinese reader) as it is."""
    return coded_text(finding.problem) if finding.problem is not None else finding.message


def _value_text(value):
    """A value of a core problem as the page shows it: a problem in words, a moment by date_text."""
    if hasattr(value, "values") and hasattr(value, "message"):  # the reason a parameter's value cannot be read
        return coded_text(value)
    return date_text(value) if isinstance(value, (datetime, date)) else value


_KEY_RE = re.compile(r"[A-Za-z_][\w.\[\]-]*")


def error_text(exc) -> str:
    """A core error (bidkit.errors.BidkitError) in the page's language, with where it is: file name,
    line and field, never a server path."""
    where = ":".join(p for p in (PurePath(exc.file).name if exc.file else "", str(exc.line or "")) if p)
    text = coded_text(exc)
    # a worded error names its field in its words; the field itself is the file's English key
    worded = f"err.{exc.code}" in MESSAGES
    field = "" if worded and _KEY_RE.fullmatch(exc.field or "") else exc.field
    where = " ".join(p for p in (where, field) if p)
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
