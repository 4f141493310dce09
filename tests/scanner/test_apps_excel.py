"""Excel business-app facts (scanners.apps.excel) on the corpus and on workbooks built here."""
import logging
import threading
import time
import zipfile
from pathlib import Path

import pytest
from work_counters import count_calls, count_part_reads

from scanners.apps import AppFacts
from scanners.apps import excel as excel_module
from scanners.apps import excel_package as excel_package_module
from scanners.apps import vba as vba_module
from scanners.apps.complexity import complexity_band
from scanners.apps.excel import excel_app_facts
from scanners.apps.ooxml_parts import short_target
from scanners.apps.vba import VbaTimeout, summarise_limited, summarise_vba, time_limit
from scanners.document import ReadError
from scanners.walk import walk_root

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
EXCEL_KINDS = {"xlsx", "xlsm", "xltx", "xltm", "xlam", "xls", "xlsb"}

# Every corpus workbook with a VBA storage, macro sheets or a ribbon, checked by hand: module
# counts by type match MANIFEST.tsv's notes for all 88 files that carry them, user forms and
# "has code" match olevba's own module listing for all 160 with a VBA project, XLM sheet counts
# match the workbook rels.  Columns: path, is_app, modules (std + class + document modules with
# code), forms, Excel 4 macro sheets, code lines (non-blank, non-comment), auto_exec, risk codes.
# vba-empty files (VBA storage, no code, no forms) are not apps.
CORPUS_APPS = [
    ('BryanWend+SalesAccountManagement/ExampleFile.xlsm', True, 2, 2, 0, 230, False, set()),
    ('ExcelDataReader+ExcelDataReader/src/TestData/Test_Excel_Dataset.xls', False, 0, 0, 0, 0, False, set()),
    ('ExcelDataReader+ExcelDataReader/src/TestData/Test_Issue_11642_ValuesNotLoaded.xls', True, 1, 0, 0, 22, False, set()),
    ('ExcelDataReader+ExcelDataReader/src/TestData/Test_git_issue_642.xls', False, 0, 0, 0, 0, False, set()),
    ('ExcelDataReader+ExcelDataReader/src/TestData/Test_git_issue_68_NullSheetPath.xlsm', True, 2, 0, 0, 17, False, set()),
    ('Rambo-333+excel-vba-automation-tools/検査証_一般.xlsm', True, 6, 0, 0, 415, False, {'credentials-in-file'}),
    ('YokoAbe-Lab+access-excel-invoice/excel-template/請求書フォーム_サンプル.xlsm', True, 1, 1, 0, 451, False, set()),
    ('Yu0727Harada+xlAres/PC席予約表verβ1.06.xlsm', True, 5, 8, 0, 955, False, set()),
    ('Yu0727Harada+xlAres/bin/PC席予約表verβ1.06.xlsm', True, 11, 16, 0, 2505, True, {'autoexec-macro'}),
    ('Yu0727Harada+xlAres/bin/シフト表macro.xlsm', True, 4, 0, 0, 97, True, {'autoexec-macro'}),
    ('Yu0727Harada+xlAres/シフト表macro.xlsm', True, 3, 0, 0, 59, False, set()),
    ('alcock07+HACHU/bin/発注残一覧表.xlsm', True, 8, 1, 0, 775, True, {'autoexec-macro', 'external-data-connection'}),
    ('alcock07+NK_HYO/bin/日計表更新SQL.xlsm', True, 6, 0, 0, 940, True, {'autoexec-macro', 'credentials-in-file', 'external-data-connection'}),
    ('alcock07+NK_KOJO/bin/工場日計表更新SQL.xlsm', True, 13, 0, 0, 3077, True, {'autoexec-macro', 'credentials-in-file', 'external-data-connection'}),
    ('alcock07+YOSHIN/bin/与信限度更新2022.xlsm', True, 11, 0, 0, 1230, True, {'autoexec-macro', 'credentials-in-file', 'external-data-connection'}),
    ('alcock07+YOSHIN/bin/与信限度更新SQL.xlsm', True, 11, 0, 0, 1230, True, {'autoexec-macro', 'credentials-in-file', 'external-data-connection'}),
    ('apache+poi/test-data/spreadsheet/0-www-crossref-org.lib.rivier.edu_education-files_suffix-generator.xlsm', True, 2, 0, 0, 58, False, set()),
    ('apache+poi/test-data/spreadsheet/12561-2.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/14460.xls', False, 1, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/19599-1.xls', True, 1, 0, 0, 68, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/27272_1.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/27852.xls', True, 1, 0, 0, 17, False, set()),
    ('apache+poi/test-data/spreadsheet/30070.xls', True, 1, 0, 0, 3, False, set()),
    ('apache+poi/test-data/spreadsheet/31979.xls', True, 0, 1, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/37376.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/39234.xls', True, 4, 0, 0, 5, True, {'autoexec-macro'}),
    ('apache+poi/test-data/spreadsheet/39634.xls', True, 1, 0, 0, 5, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/44010-SingleChart.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/44010-TwoCharts.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/44840.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/45431.xlsm', True, 1, 0, 0, 3, False, set()),
    ('apache+poi/test-data/spreadsheet/45538_form_Footer.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/45538_form_Header.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/45761.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/46515.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/49931.xls', True, 3, 0, 0, 785, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/50020.xls', True, 1, 0, 0, 3, False, set()),
    ('apache+poi/test-data/spreadsheet/50939.xls', True, 9, 0, 0, 51, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/51262.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/52527.xls', True, 1, 0, 0, 2, False, set()),
    ('apache+poi/test-data/spreadsheet/59830.xls', True, 27, 0, 0, 54, False, set()),
    ('apache+poi/test-data/spreadsheet/60273.xls', True, 1, 0, 0, 3, False, set()),
    ('apache+poi/test-data/spreadsheet/60405.xls', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('apache+poi/test-data/spreadsheet/61495-test.xlsm', True, 1, 0, 0, 17, False, {'credentials-in-file'}),
    ('apache+poi/test-data/spreadsheet/62629_target.xlsm', False, 1, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/64420.xlsm', True, 0, 0, 1, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/ExcelWithAttachments.xlsm', True, 1, 0, 0, 2, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/FormulaEvalTestData.xls', True, 1, 0, 0, 3, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/SimpleMacro.xls', True, 1, 0, 0, 4, False, set()),
    ('apache+poi/test-data/spreadsheet/SimpleMacro.xlsm', True, 1, 0, 0, 4, False, set()),
    ('apache+poi/test-data/spreadsheet/SquareMacro.xls', True, 1, 0, 0, 10, False, set()),
    ('apache+poi/test-data/spreadsheet/ex42564-21503.xls', False, 0, 0, 0, 0, False, set()),
    ('apache+poi/test-data/spreadsheet/ex42570-20305.xls', True, 1, 1, 0, 31, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/ex45046-21984.xls', True, 1, 0, 0, 3, False, set()),
    ('apache+poi/test-data/spreadsheet/ex45978-extraLinkTableSheets.xls', False, 1, 0, 0, 0, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/excelant.xls', True, 1, 0, 0, 10, False, set()),
    ('apache+poi/test-data/spreadsheet/external_name.xls', True, 1, 0, 0, 5, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/mortgage-calculation.xls', True, 1, 0, 0, 10, False, set()),
    ('apache+poi/test-data/spreadsheet/testNames.xls', True, 1, 0, 0, 9, False, set()),
    ('apache+poi/test-data/spreadsheet/testNames.xlsm', True, 1, 0, 0, 9, False, set()),
    ('apache+poi/test-data/spreadsheet/testVarious.xlsb', True, 1, 0, 0, 10, False, {'external-link'}),
    ('apache+poi/test-data/spreadsheet/xlmmacro.xlsm', True, 0, 0, 1, 0, False, set()),
    ('bkoizumi+Ladex/Ladex.xlam', True, 37, 12, 0, 12914, True, {'autoexec-macro', 'external-data-connection', 'external-link', 'macro-network-access'}),
    ('bkoizumi+Ladex/メンテナンス用.xlsm', True, 2, 0, 0, 86, False, {'external-link'}),
    ('decalage2+oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xls', True, 1, 0, 0, 3, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xlsb', True, 1, 0, 0, 3, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xlsm', True, 1, 0, 0, 3, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xls', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xlsb', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xlsm', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xlt', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xltm', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro_excel5_format.xls', True, 0, 0, 1, 0, True, {'autoexec-macro'}),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Polymorphism-RadioButton/Polymorphism-RadioButton.xlsm', True, 3, 1, 0, 97, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/Polymorphism-RadioButton/en/Polymorphism-RadioButton.xlsm', True, 3, 1, 0, 97, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/TableCreater/TableCreater.xlsm', True, 2, 0, 0, 161, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/11/TableCreater/en/TableCreater.xlsm', True, 2, 0, 0, 168, False, {'external-link'}),
    ('dede-20191130+My_VBA_Tools/Public/2020/12/Alter-Args-Compile-Err/Alter-Args-Compile-Err.xlsm', True, 1, 0, 0, 60, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/12/Exception-Handling/Exception-Handling.xlsm', True, 2, 0, 0, 123, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/12/Exception-Handling/en/Exception-Handling.xlsm', True, 2, 0, 0, 123, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/12/Search-Shape-String/Search-Shape-String.xlsm', True, 1, 0, 0, 93, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2020/12/Search-Shape-String/en/Search-Shape-String.xlsm', True, 1, 0, 0, 93, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2021/01/Change-PageSetup-PrintAria/Change-PageSetup-PrintAria.xlsm', True, 1, 0, 0, 67, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2021/01/Change-PageSetup-PrintAria/en/Change-PageSetup-PrintAria.xlsm', True, 1, 0, 0, 67, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2021/01/Interface-Array-Member/Interface-Array-Member.xlsm', True, 4, 0, 0, 78, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2021/01/Interface-Array-Member/en/Interface-Array-Member.xlsm', True, 4, 0, 0, 78, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2021/03/wsfunc-networkday/wsfunc-networkday.xlsm', True, 3, 0, 0, 45, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2022/01/aggregate-wss-content/ワークシートデータ集約サンプル.xlsm', True, 1, 0, 0, 213, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2022/01/create-own-message-frm/ユーザーフォームサンプル.xlsm', True, 1, 1, 0, 21, False, set()),
    ('dede-20191130+My_VBA_Tools/Public/2022/01/prohibit-sheet-change/シート構成の保護.xlsm', True, 1, 0, 0, 54, False, {'credentials-in-file'}),
    ('dede-20191130+My_VBA_Tools/T0001_01_見積書作成ツール_ExcelVer/T0001_01_見積書作成ツール_ExcelVer.xlsm', True, 12, 1, 0, 1078, True, {'autoexec-macro'}),
    ('dede-20191130+My_VBA_Tools/T0001_01_見積書作成ツール_ExcelVer/T0001_01_見積書作成ツール_ExcelVer_検証用データ有.xlsm', True, 12, 1, 0, 1078, True, {'autoexec-macro'}),
    ('dede-20191130+My_VBA_Tools/T0001_01_見積書作成ツール_ExcelVer/en/T0001_01_Quotation_Creation_Tool_ExcelVer.xlsm', True, 10, 1, 0, 959, True, {'autoexec-macro'}),
    ('dede-20191130+My_VBA_Tools/その他ツール/Other_0001_エクセルブックA1カーソル移動/Other_0001_エクセルブックA1カーソル移動.xlsm', True, 6, 1, 0, 323, True, {'autoexec-macro'}),
    ('dede-20191130+My_VBA_Tools/その他ツール/Other_0001_エクセルブックA1カーソル移動/en/Other_0001_Excelbook_A1_Moving_Cursor.xlsm', True, 4, 1, 0, 313, True, {'autoexec-macro'}),
    ('draemonash2+codes/hmac/連続実行秀丸マクロ作成ツール.xlsm', True, 1, 0, 0, 97, False, set()),
    ('draemonash2+codes/vba/excel/AddIns/DisableF1Help.xlam', True, 3, 0, 0, 227, True, {'autoexec-macro'}),
    ('draemonash2+codes/vba/excel/AddIns/MyExcelAddin.xlam', True, 4, 3, 0, 4974, True, {'autoexec-macro'}),
    ('draemonash2+codes/vba/excel/AddIns/Relaxtools.xlam', True, 251, 73, 0, 37694, True, {'autoexec-macro', 'external-link'}),
    ('draemonash2+codes/vba/excel/MacroBook/CreateStudyPlan.xls', True, 1, 0, 0, 216, False, set()),
    ('draemonash2+codes/vba/excel/MacroBook/Excelシート統合編集ツール.xlsm', True, 2, 0, 0, 5, False, set()),
    ('draemonash2+codes/vba/excel/MacroBook/MyMixTrackSplitSheet.xlsm', True, 1, 0, 0, 149, False, {'external-link'}),
    ('draemonash2+codes/vba/excel/MacroBook/ReplaceItunesLibFilePath.xlsm', True, 5, 1, 0, 731, False, set()),
    ('draemonash2+codes/vba/excel/MacroBook/VBAソースコード出力（シート情報取得処理）.xlsm', True, 2, 0, 0, 92, False, {'external-link'}),
    ('draemonash2+codes/vba/excel/MacroBook/ファイルフォルダ選択ダイアログテスト.xlsm', True, 1, 1, 0, 101, False, set()),
    ('draemonash2+codes/vba/excel/MacroBook/試験ログファイルコミットツール.xlsm', True, 18, 1, 0, 2680, False, {'external-link'}),
    ('hasegawa-shuji+minitool/OLK_SendMail_ver1_0.xlsm', True, 2, 0, 0, 69, False, {'external-link', 'macro-network-access'}),
    ('hasegawa-shuji+minitool/OLK_SendMail_ver1_1(20230223).xlsm', True, 2, 0, 0, 69, False, {'external-link', 'macro-network-access'}),
    ('hasegawa-shuji+minitool/OLK_SendMail_ver1_1(20230427).xlsm', True, 2, 0, 0, 69, False, {'external-link', 'macro-network-access'}),
    ('hex309+GitTest/bin/20210428_IPOBaseTool_DEMO.xlsm', True, 24, 7, 0, 2040, True, {'autoexec-macro', 'external-data-connection', 'external-link'}),
    ('hex309+GitTest/bin/Book1.xlsm', True, 4, 1, 0, 20, False, set()),
    ('hex309+GitTest/bin/GoogleMapTest.xlsm', True, 3, 0, 0, 128, False, {'macro-network-access'}),
    ('hex309+GitTest/bin/IE_Edge.xlsm', True, 6, 2, 0, 158, False, set()),
    ('hex309+GitTest/bin/PowerQueryVBA.xlsm', True, 1, 0, 0, 125, False, {'external-data-connection'}),
    ('hex309+GitTest/bin/ZipUnZipSample.xlsm', True, 1, 0, 0, 90, False, set()),
    ('hex309+GitTest/bin/シンカ様_iWebデータインポートツール_v1.49.xlsm', True, 23, 1, 0, 4586, True, {'autoexec-macro', 'macro-network-access'}),
    ('hex309+GitTest/bin/品目記載型ツール_ver1.94.xlsm', True, 22, 4, 0, 2275, False, {'external-data-connection', 'external-link'}),
    ('jmcnamara+XlsxWriter/xlsxwriter/test/comparison/xlsx_files/button07.xlsm', True, 1, 0, 0, 2, False, set()),
    ('jmcnamara+XlsxWriter/xlsxwriter/test/comparison/xlsx_files/macro01.xlsm', True, 1, 0, 0, 5, False, set()),
    ('jmcnamara+XlsxWriter/xlsxwriter/test/comparison/xlsx_files/macro02.xlsm', True, 1, 0, 0, 5, False, set()),
    ('jmcnamara+XlsxWriter/xlsxwriter/test/comparison/xlsx_files/macro03.xlsm', True, 1, 0, 0, 5, False, set()),
    ('jmcnamara+XlsxWriter/xlsxwriter/test/comparison/xlsx_files/macro04.xlsm', True, 1, 0, 0, 3, False, set()),
    ('muen-6en+create_shift_vba/create_shift.xlsm/create_shift.xlsm', True, 2, 0, 0, 363, False, set()),
    ('nylon0226+FAX-Automation-Tool/提供表FAX送付状.xlsm', True, 1, 0, 0, 93, False, set()),
    ('oasis3855+office-scripts/excel-bin2text/download/Bin2Text.xlsm', True, 3, 0, 0, 235, False, set()),
    ('oasis3855+office-scripts/excel-find-comment/download/find-comment.xlsm', True, 1, 0, 0, 97, False, set()),
    ('oasis3855+office-scripts/excel-find-hidden-line/download/find-hidden-line.xlsm', True, 1, 0, 0, 61, False, set()),
    ('oasis3855+office-scripts/excel-outlook-mailsend/download/outlook-mailsend.xlsm', True, 2, 0, 0, 321, False, {'macro-network-access'}),
    ('oasis3855+office-scripts/excel-to-html/download/Excel_to_HtmlTable.xlsm', True, 1, 0, 0, 127, False, set()),
    ('oasis3855+office-scripts/excel-worksheet-compare/download/worksheet-compare.xlsm', True, 1, 1, 0, 166, False, set()),
    ('skyran1278+VbaProject/20161001_PESCM/PESCM.xlsm', True, 6, 0, 0, 482, True, {'autoexec-macro'}),
    ('skyran1278+VbaProject/20170226_LapLength/01 梁柱伸展與搭接長度表格.xlsm', True, 1, 0, 0, 6, False, set()),
    ('skyran1278+VbaProject/20170226_LapLength/LapLength.xlsm', True, 4, 0, 0, 578, True, {'autoexec-macro', 'credentials-in-file', 'macro-network-access'}),
    ('skyran1278+VbaProject/20170330_TimeSheetManageSystem/TimeSheetManageSystem.xlsm', True, 2, 0, 0, 177, True, {'autoexec-macro', 'external-link', 'macro-network-access'}),
    ('skyran1278+VbaProject/20170524_RCScan/RCScan.xlsm', True, 5, 0, 0, 1165, True, {'autoexec-macro', 'macro-network-access'}),
    ('skyran1278+VbaProject/20170807_SuperSlab/__test__/2016-1027_2800#3樓板配筋表格.xlsm', True, 2, 0, 0, 126, False, set()),
    ('skyran1278+VbaProject/20180427_CenterColumnDepth/CenterColumnDepth.xlsm', True, 1, 0, 0, 63, True, {'autoexec-macro', 'macro-network-access'}),
    ('skyran1278+VbaProject/20180511_AttendanceRecord/AttendanceRecord.xlsm', True, 4, 0, 0, 561, True, {'autoexec-macro', 'credentials-in-file', 'macro-network-access'}),
    ('skyran1278+VbaProject/20181203_SlabRebar/SlabRebar.xlsm', True, 2, 0, 0, 126, False, set()),
    ('skyran1278+VbaProject/20191125_InternRecords/InternRecords.xlsm', True, 3, 0, 0, 354, True, {'autoexec-macro', 'credentials-in-file', 'macro-network-access'}),
    ('skyran1278+VbaProject/20200527_StoryDrifts/StoryDrifts.xlsm', True, 2, 0, 0, 149, False, set()),
    ('solondon+MSAccess2010InsideOutSampleCode/Chapter13_DatabaseFiles/ExcelOpeningAccess.xlsm', True, 1, 0, 0, 17, False, {'external-data-connection'}),
    ('solondon+MSAccess2010InsideOutSampleCode/Chapter13_DatabaseFiles/ExcelReporting.xlsm', True, 1, 0, 0, 29, False, {'external-data-connection'}),
    ('tafia+calamine/tests/any_sheets.xls', False, 0, 0, 0, 0, False, set()),
    ('tafia+calamine/tests/issue281.xlsm', True, 1, 0, 0, 3, False, set()),
    ('tafia+calamine/tests/issue_182.xlsb', True, 1, 0, 0, 3, False, set()),
    ('tafia+calamine/tests/issues.xls', True, 1, 0, 0, 3, False, set()),
    ('tafia+calamine/tests/issues.xlsb', True, 1, 0, 0, 3, False, set()),
    ('tafia+calamine/tests/optional_records.xls', False, 0, 0, 0, 0, False, {'external-link'}),
    ('tafia+calamine/tests/vba.xlsm', True, 1, 0, 0, 3, False, set()),
    ('takanaweb5+EasySQL/EasySQL.xlam', True, 5, 1, 0, 694, True, {'autoexec-macro', 'external-data-connection', 'external-link'}),
    ('takanaweb5+EasySQL/EasySQL.xlsm', True, 5, 1, 0, 694, True, {'autoexec-macro', 'external-data-connection', 'external-link'}),
    ('xlwings+xlwings/examples/database/database.xlsm', True, 2, 0, 0, 6, False, set()),
    ('xlwings+xlwings/examples/fibonacci/fibonacci.xlsm', True, 1, 0, 0, 6, False, set()),
    ('xlwings+xlwings/examples/mpl/mpl.xlsm', True, 1, 0, 0, 3, False, set()),
    ('xlwings+xlwings/examples/simulation/simulation.xlsm', True, 1, 0, 0, 3, False, set()),
    ('xlwings+xlwings/examples/udf/udf.xlsm', True, 1, 0, 0, 31, False, set()),
    ('xlwings+xlwings/tests/macro book.xlsm', True, 1, 0, 0, 19, False, set()),
    ('xlwings+xlwings/tests/test_engines/engines.xlsb', True, 1, 0, 0, 3, False, set()),
    ('xlwings+xlwings/tests/test_engines/engines.xlsm', True, 1, 0, 0, 3, False, set()),
    ('xlwings+xlwings/tests/test_engines/integration_write.xlsm', True, 1, 0, 0, 3, False, {'external-link'}),
    ('xlwings+xlwings/tests/udfs/async_tests.xlsm', True, 1, 0, 0, 131, False, set()),
    ('xlwings+xlwings/tests/udfs/dynamic_array_tests.xlsm', True, 1, 0, 0, 40, False, {'external-link'}),
    ('xlwings+xlwings/tests/udfs/udf_tests.xlsm', True, 2, 0, 0, 1392, False, set()),
    ('xlwings+xlwings/xlwings/quickstart.xlsm', True, 1, 0, 0, 4, False, set()),
    ('xlwings+xlwings/xlwings/quickstart_addin.xlam', True, 3, 0, 0, 322, False, set()),
    ('xlwings+xlwings/xlwings/quickstart_addin_ribbon.xlam', True, 3, 0, 0, 322, False, set()),
    ('xlwings+xlwings/xlwings/quickstart_standalone.xlsm', True, 3, 0, 0, 322, False, set()),
    ('yoshiokayutaka+Business-efficiency-system-/docs/業務効率化システム_吉岡有隆_2025.xlsm', True, 3, 0, 0, 62, True, {'autoexec-macro', 'external-link'}),
]

# VBA projects oletools does not read whole: found by module source signature, or reported as
# present but unparsable (never "none").  Columns: path, is_app, modules, code lines, vba status.
CORPUS_VBA_IN_ODD_SHAPES = [
    # the directory tree no longer reaches the VBA storage (orphaned entries): 7 modules, as olevba's
    # own orphan scan lists them (ThisWorkbook, Sheet15 without code, 3 standard, 2 class)
    ('Rambo-333+excel-vba-automation-tools/基幹システム連携.xlsm', True, 6, 456,
     'recovered: no VBA project structure; modules found by source signature'),
    # Excel 95 workbook (encrypted) with a _VBA_PROJECT storage holding compiled code only and a
    # VBA module sheet
    ('apache+poi/test-data/spreadsheet/60284.xls', True, 1, 0,
     'unparsable: VBA project in an unknown layout, no module source found'),
]

# Encrypted with a real password: the VBA cannot be seen (the data reader reports `encrypted`).
CORPUS_ENCRYPTED = [
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_MD5_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_MD5_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_SHA1_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_SHA1_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_SHA384_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_SHA384_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_SHA512_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES128_SHA512_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES192_SHA512_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES192_SHA512_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES256_SHA512_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_AES256_SHA512_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_DES_MD5_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_DES_MD5_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_DESede_SHA384_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_DESede_SHA384_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_RC2_SHA1_CBC_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/agile_RC2_SHA1_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/standard_AES128_SHA1_ECB_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/standard_AES128_SHA1_ECB_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/standard_AES192_SHA1_ECB_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/standard_AES192_SHA1_ECB_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/standard_AES256_SHA1_ECB_pwd_password.xlsb',
    'ExcelDataReader+ExcelDataReader/src/TestData/standard_AES256_SHA1_ECB_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_AES128_MD5_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_AES128_SHA1_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_AES128_SHA384_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_AES128_SHA512_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_AES192_SHA512_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_AES256_SHA512_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_DES_MD5_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_DESede_SHA384_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/agile_RC2_SHA1_CBC_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/standard_AES128_SHA1_ECB_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/standard_AES192_SHA1_ECB_pwd_password.xlsx',
    'ExcelDataReader+ExcelDataReader/src/TestData/strict/standard_AES256_SHA1_ECB_pwd_password.xlsx',
    'apache+poi/test-data/poifs/60320-protected.xlsx',
    'apache+poi/test-data/poifs/extenxls_pwd123.xlsx',
    'apache+poi/test-data/poifs/protected_sha512.xlsx',
    'apache+poi/test-data/spreadsheet/crash-9bf3cd4bd6f50a8a9339d363c2c7af14b536865c.xlsx',
    'apache+poi/test-data/spreadsheet/protected_passtika.xlsb',
    'apache+poi/test-data/spreadsheet/protected_passtika.xlsx',
    'decalage2+oletools/tests/test-data/encrypted/encrypted.xlsb',
    'decalage2+oletools/tests/test-data/encrypted/encrypted.xlsm',
    'decalage2+oletools/tests/test-data/encrypted/encrypted.xlsx',
    'dimastbk+python-calamine/tests/data/password.xlsx',
    'nolze+msoffcrypto-tool/tests/inputs/example_password.xlsx',
    'tafia+calamine/tests/pass_protected.xlsb',
    'tafia+calamine/tests/pass_protected.xlsx',
]


# ---------------------------------------------------------------- corpus

@pytest.fixture(scope="module")
def corpus_facts(corpus) -> dict:
    """excel_app_facts of every corpus workbook: path -> AppFacts, or the ReadError's reason."""
    out = {}
    for cand in walk_root(str(corpus)):
        if cand.kind in EXCEL_KINDS:
            try:
                out[cand.path] = excel_app_facts(cand.abspath, cand.kind)
            except ReadError as exc:
                out[cand.path] = str(exc)
    return out


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("path, is_app, modules, forms, macros, code_lines, auto_exec, risk_codes", CORPUS_APPS)
def test_corpus_app(corpus_facts, path, is_app, modules, forms, macros, code_lines, auto_exec, risk_codes):
    facts = corpus_facts[path]
    assert isinstance(facts, AppFacts), facts
    got = (facts.is_app, facts.modules, facts.forms, facts.macros, facts.code_lines, facts.auto_exec)
    assert got == (is_app, modules, forms, macros, code_lines, auto_exec)
    assert {r["code"] for r in facts.risks} == risk_codes
    assert facts.kind == ("excel-vba" if is_app else None)
    assert (facts.complexity in ("High", "Medium", "Low")) == is_app
    assert facts.vba in ("none", "parsed")


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("path, is_app, modules, code_lines, vba", CORPUS_VBA_IN_ODD_SHAPES)
def test_corpus_vba_in_odd_shapes(corpus_facts, path, is_app, modules, code_lines, vba):
    facts = corpus_facts[path]
    assert (facts.is_app, facts.modules, facts.code_lines, facts.vba) == (is_app, modules, code_lines, vba)


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS_ENCRYPTED)
def test_corpus_encrypted_with_a_real_password(corpus_facts, path):
    facts = corpus_facts[path]
    assert (facts.vba, facts.is_app, facts.risks) == ("unparsable: encrypted", False, [])


@pytest.mark.corpus
@pytest.mark.slow
def test_no_plain_data_workbook_is_called_an_app(corpus_facts):
    listed = {row[0] for row in CORPUS_APPS + CORPUS_VBA_IN_ODD_SHAPES} | set(CORPUS_ENCRYPTED)
    others = {p: f for p, f in corpus_facts.items() if p not in listed}
    assert len(others) > 1300
    apps = [p for p, f in others.items() if isinstance(f, AppFacts) and (f.is_app or f.vba != "none")]
    assert apps == []


@pytest.mark.corpus
@pytest.mark.slow
def test_only_broken_containers_raise(corpus_facts):
    errors = {p: f for p, f in corpus_facts.items() if isinstance(f, str)}
    assert set(errors.values()) <= {"not a zip file or truncated zip", "corrupt OLE file", "corrupt zip part"}
    assert len(errors) < 20


@pytest.mark.corpus
@pytest.mark.parametrize("path, expected", [
    ("solondon+MSAccess2010InsideOutSampleCode/Chapter13_DatabaseFiles/ExcelReporting.xlsx",
     [("external-data-connection", "connections.xml: Access database connection to C:\\…\\*.accdb (2x)"),
      ("external-data-connection", "connections.xml: ODBC connection to C:\\…\\*.accdb (2x)"),
      ("external-data-connection", "2 query table(s) refresh from an external source")]),
    ("apache+poi/test-data/spreadsheet/dataValidationTableRange.xlsx",
     [("external-data-connection", "connections.xml: ODBC connection to RDS (10x)"),
      ("external-data-connection", "10 query table(s) refresh from an external source")]),
    ("tafia+calamine/tests/pivots.xlsx", [("external-data-connection", "connections.xml: Power Query connection")]),
    ("decalage2+oletools/tests/test-data/msodde/dde-test.xlsx", [("external-link", "DDE/OLE link to cmd")]),
    ("apache+poi/test-data/spreadsheet/60460.xls",
     [("external-link", "formulas link to workbook \\\\HEPPC3\\…\\*.xls"),
      ("external-link", "formulas link to workbook …\\*.xls")]),
    ("skyran1278+VbaProject/20180427_CenterColumnDepth/CenterColumnDepth.xlsm",
     [("autoexec-macro", "VBA runs Workbook_Open when the workbook opens"),
      ("macro-network-access", "VBA calls MSXML2.ServerXMLHTTP (HTTP) (2 places)")]),
    ("decalage2+oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xlsm",
     [("autoexec-macro", "VBA runs Auto_Open when the workbook opens")]),
    ("decalage2+oletools/tests/test-data/excel4-macros/excel4_sample_macro.xlsm",
     [("autoexec-macro", "defined name Auto_Open runs a macro when the workbook opens")]),
])
def test_corpus_risk_details(corpus, path, expected):
    facts = excel_app_facts(str(corpus / path), path.rpartition(".")[2])
    assert [(r["code"], r["detail"]) for r in facts.risks] == expected


@pytest.mark.corpus
def test_default_password_workbooks_are_decrypted(corpus):
    folder = corpus / "decalage2+oletools/tests/test-data/encrypted"
    for ext in ("xls", "xlsm", "xlsb"):
        facts = excel_app_facts(str(folder / f"autostart-encrypt-standardpassword.{ext}"), ext)
        assert (facts.is_app, facts.vba, facts.auto_exec, facts.modules) == (True, "parsed", True, 1)


@pytest.mark.corpus
def test_vba_parse_has_a_time_limit(corpus, monkeypatch):
    """Under a limit well inside the time the parse takes, it stops before its end: fewer
    modules measured than without a limit (how long it ran past the limit: ``make bench``)."""
    with zipfile.ZipFile(corpus / "draemonash2+codes/vba/excel/AddIns/Relaxtools.xlam") as zf:
        data = zf.read("xl/vbaProject.bin")
    measured = count_calls(monkeypatch, vba_module, "measure_source")
    started = time.monotonic()
    assert summarise_vba(data, seconds=0).status == "parsed"       # no limit: how long it takes
    full, modules = time.monotonic() - started, len(measured)
    measured.clear()
    summary = summarise_vba(data, seconds=max(full / 20, 0.001))   # however fast the machine
    assert summary.status == "unparsable: time limit exceeded"
    assert modules > 1 and len(measured) < modules


@pytest.mark.corpus
def test_oletools_stays_silent(corpus, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    path = corpus / "skyran1278+VbaProject/20180427_CenterColumnDepth/CenterColumnDepth.xlsm"
    excel_app_facts(str(path), "xlsm")
    assert [r.name for r in caplog.records if r.name.split(".")[0] in ("olevba", "olefile", "crypto")] == []
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


# ---------------------------------------------------------------- workbooks built here

def corpus_vba_bin(corpus: Path, rel: str, tmp_path: Path) -> Path:
    """Extract a corpus workbook's vbaProject.bin into tmp_path (never committed)."""
    with zipfile.ZipFile(corpus / rel) as zf:
        target = tmp_path / "vbaProject.bin"
        target.write_bytes(zf.read("xl/vbaProject.bin"))
    return target


def build_workbook(path: Path, vba_bin: Path | None = None, formulas: int = 0, rows: int = 3,
                   defined_names: dict | None = None, url: str | None = None) -> Path:
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    for r in range(rows):
        ws.write_row(r, 0, [r, "text", r * 2.5])
    for i in range(formulas):
        ws.write_formula(rows + i, 0, f"=SUM(A1:A{i + 1})")
    if url:
        ws.write_url(0, 5, url)
    for name, ref in (defined_names or {}).items():
        wb.define_name(name, ref)
    if vba_bin is not None:
        wb.add_vba_project(str(vba_bin))
    wb.close()
    return path


def add_parts(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "a") as zf:
        for name, data in parts.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


CONNECTIONS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<connection id="1" name="jumin" type="1" refreshedVersion="6" savePassword="1">
<dbPr connection="DSN=JUMIN;UID=clerk;PWD=Tanaka1960;" command="SELECT * FROM t"/></connection>
<connection id="2" name="web" type="4"><webPr url="https://stat.example.lg.jp/api?id=4711"/></connection>
<connection id="3" name="csv" type="6"><textPr sourceFile="C:\\Users\\yamada\\Desktop\\kokuho.csv"/></connection>
</connections>"""

EXTERNAL_LINK_XML = """<?xml version="1.0" encoding="UTF-8"?>
<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1"/></externalLink>"""

EXTERNAL_LINK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" TargetMode="External"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"
 Target="file:///\\\\fs01\\share\\Users\\yamada\\%E4%BD%8F%E6%B0%91%E5%90%8D%E7%B0%BF.xlsx"/></Relationships>"""

RIBBON_XML = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon/></customUI>"""

MASHUP_XML = '<?xml version="1.0" encoding="utf-16"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">' \
             'AAAA</DataMashup>'

MACRO_SHEET_XML = """<?xml version="1.0" encoding="UTF-8"?>
<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>"""


@pytest.mark.corpus
@pytest.mark.parametrize("source, formulas, expected", [
    # (corpus workbook whose vbaProject.bin is reused, formulas written, expected facts)
    ("skyran1278+VbaProject/20180427_CenterColumnDepth/CenterColumnDepth.xlsm", 40,
     {"is_app": True, "modules": 1, "forms": 0, "auto_exec": True, "formulas": 40, "complexity": "Low"}),
    ("apache+poi/test-data/spreadsheet/SimpleMacro.xlsm", 0,
     {"is_app": True, "modules": 1, "forms": 0, "auto_exec": False, "formulas": 0, "complexity": "Low"}),
    ("draemonash2+codes/vba/excel/MacroBook/ファイルフォルダ選択ダイアログテスト.xlsm", 600,
     {"is_app": True, "modules": 1, "forms": 1, "auto_exec": False, "formulas": 600, "complexity": "Medium"}),
    ("xlwings+xlwings/tests/udfs/udf_tests.xlsm", 0,
     {"is_app": True, "modules": 2, "forms": 0, "auto_exec": False, "formulas": 0, "complexity": "High"}),
    # VBA storage left behind with an empty standard module: not an app
    ("apache+poi/test-data/spreadsheet/62629_target.xlsm", 5,
     {"is_app": False, "modules": 1, "forms": 0, "auto_exec": False, "formulas": 0, "complexity": None}),
])
def test_built_macro_workbook(corpus, tmp_path, source, formulas, expected):
    vba_bin = corpus_vba_bin(corpus, source, tmp_path)
    path = build_workbook(tmp_path / "app.xlsm", vba_bin=vba_bin, formulas=formulas)
    facts = excel_app_facts(str(path), "xlsm")
    got = {key: getattr(facts, key) for key in expected}
    assert got == expected
    assert facts.vba == "parsed"


@pytest.mark.parametrize("parts, defined_names, expected", [
    ({"customUI/customUI.xml": RIBBON_XML}, None,
     {"is_app": True, "kind": "excel-vba", "custom_ui": True, "macros": 0, "auto_exec": False, "complexity": "Low"}),
    ({"xl/macrosheets/sheet2.xml": MACRO_SHEET_XML}, {"Auto_Open": "=Data!$A$1"},
     {"is_app": True, "kind": "excel-vba", "custom_ui": False, "macros": 1, "auto_exec": True, "complexity": "Medium"}),
    ({"xl/dialogsheets/sheet3.xml": "<dialogsheet/>"}, None,
     {"is_app": True, "kind": "excel-vba", "forms": 1, "macros": 0, "complexity": "Medium"}),
    ({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 this is not a VBA project"}, None,
     {"is_app": True, "kind": "excel-vba", "vba": "unparsable: not an OLE file", "complexity": "Low"}),
    ({"xl/ctrlProps/ctrlProp1.xml": "<formControlPr/>"}, None,   # a button alone runs nothing
     {"is_app": False, "kind": None, "complexity": None}),
])
def test_built_app_structures(tmp_path, parts, defined_names, expected):
    path = add_parts(build_workbook(tmp_path / "book.xlsx", defined_names=defined_names), parts)
    facts = excel_app_facts(str(path), "xlsx")
    assert {key: getattr(facts, key) for key in expected} == expected


def test_built_connections_and_links(tmp_path):
    path = build_workbook(tmp_path / "book.xlsx", url="https://www.example.lg.jp/kurashi/page?id=4711")
    add_parts(path, {
        "xl/connections.xml": CONNECTIONS_XML,
        "xl/externalLinks/externalLink1.xml": EXTERNAL_LINK_XML,
        "xl/externalLinks/_rels/externalLink1.xml.rels": EXTERNAL_LINK_RELS,
        "xl/queryTables/queryTable1.xml": "<queryTable/>",
        "customXml/item1.xml": MASHUP_XML.encode("utf-16"),
    })
    facts = excel_app_facts(str(path), "xlsx")
    assert (facts.is_app, facts.connections, facts.external_links, facts.complexity) == (False, 3, 1, None)
    assert [(r["code"], r["detail"]) for r in facts.risks] == [
        ("credentials-in-file", "connections.xml: ODBC connection with saved password"),
        ("credentials-in-file", "connections.xml: ODBC connection string holds a password"),
        ("external-data-connection", "connections.xml: ODBC connection to JUMIN"),
        ("external-data-connection", "connections.xml: web query connection to https://stat.example.lg.jp/…"),
        ("external-data-connection", "connections.xml: text import connection to C:\\…\\*.csv"),
        ("external-data-connection", "1 query table(s) refresh from an external source"),
        ("external-data-connection", "Power Query (DataMashup) queries"),
        ("external-link", "formulas link to workbook \\\\fs01\\…\\*.xlsx"),
        ("external-link", "1 hyperlink(s) to web addresses (https://www.example.lg.jp)"),
    ]
    text = repr(facts.risks) + repr(facts.to_record())
    for secret in ("Tanaka1960", "clerk", "yamada", "4711", "kurashi", "住民名簿", "kokuho"):
        assert secret not in text


@pytest.mark.parametrize("target, expected", [
    ("https://user:pw@www.example.lg.jp/a/b?id=1", "https://www.example.lg.jp/…"),
    ("mailto:taro@example.jp", "mailto: (an e-mail address)"),
    ("file:///C:/Users/taro/Documents/%E5%90%8D%E7%B0%BF.xlsx", "C:\\…\\*.xlsx"),
    ("\\\\fs01\\share\\kojin\\taro\\book.xls", "\\\\fs01\\…\\*.xls"),
    ("../other/Book2.xlsx", "…/*.xlsx"),
    ("C:\\data\\x.xlsx", "C:\\…\\*.xlsx"),
    ("file://fs01/share/山田太郎_090-1234-5678.pdf", "\\\\fs01\\…\\*.pdf"),
    ("/home/yamada/山田太郎_090-1234-5678.pdf", "…/*.pdf"),
    ("https://example.com", "https://example.com"),
    ("SQLSRV01.city.local", "SQLSRV01.city.local"),
    ("Tanaka", "*"),
    ("\\\\杨继明\\共有\\a.xls", "\\\\*\\…\\*.xls"),
    ("", "(target unknown)"),
    ("javascript:alert(1)", "javascript:"),
])
def test_short_target(target, expected):
    assert short_target(target) == expected


# ---------------------------------------------------------------- hostile input and cost

@pytest.mark.parametrize("content, expected", [
    (b"", AppFacts()),
    (b"<html><table><tr><td>1</td></tr></table></html>", AppFacts()),
    (b"ID;PWXL;N;E\r\nC;X1;Y1;K1\r\nE\r\n", AppFacts()),
    (b"PK\x03\x04" + b"\x00" * 40, ReadError("not a zip file or truncated zip")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600, ReadError("corrupt OLE file")),
])
def test_bad_input(tmp_path, content, expected):
    path = tmp_path / "bad.xls"
    path.write_bytes(content)
    if isinstance(expected, ReadError):
        with pytest.raises(ReadError) as info:
            excel_app_facts(str(path), "xls")
        assert str(info.value) == str(expected)
    else:
        assert excel_app_facts(str(path), "xls") == expected


def test_truncated_macro_workbook(tmp_path, corpus):
    data = (corpus / "apache+poi/test-data/spreadsheet/SimpleMacro.xlsm").read_bytes()
    path = tmp_path / "cut.xlsm"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError):
        excel_app_facts(str(path), "xlsm")


def test_time_limit_is_a_no_op_off_the_main_thread():
    done = []

    def work():
        with time_limit(0.01):
            time.sleep(0.05)
        done.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert done == [True]


def test_time_limit_interrupts_the_main_thread():
    with pytest.raises(VbaTimeout), time_limit(0.05):
        while True:
            pass


def test_a_swallowed_time_out_is_still_a_time_out():
    # olefile's __del__ and bare ``except:`` clauses swallow the SIGALRM exception; the work
    # then finishes, but its time ran out and the summary must say so
    events = []

    def work(summary):
        try:
            safety_net = time.monotonic() + 30             # not asserted: ends the test if all else fails
            while time.monotonic() < safety_net:
                pass
            events.append("ran to its end")
        except BaseException:  # noqa: BLE001 - what a careless library does
            events.append("interrupted")
        summary.status = "parsed"

    summary = summarise_limited(work, seconds=0.05)
    assert summary.status == "unparsable: time limit exceeded"
    assert events == ["interrupted"]


def test_plain_xlsx_costs_a_zip_listing(tmp_path, monkeypatch):
    """A plain workbook: the zip listing and the small package parts, never a worksheet (the
    time it takes, against a bare listing, is a ``make bench`` figure)."""
    path = build_workbook(tmp_path / "plain.xlsx", rows=5000, formulas=200)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a plain workbook must not be parsed for VBA or formulas")

    monkeypatch.setattr(excel_module, "summarise_vba", refuse)
    monkeypatch.setattr(excel_package_module, "count_formulas", refuse)   # read with the package
    parts = count_part_reads(monkeypatch)
    facts = excel_app_facts(str(path), "xlsx")
    assert facts == AppFacts()
    opened = [p.path for p in parts.files]
    assert not [name for name in opened if name.startswith("xl/worksheets/")]
    with zipfile.ZipFile(path) as zf:
        sheet_bytes = zf.getinfo("xl/worksheets/sheet1.xml").file_size
    assert parts.bytes < sheet_bytes / 10


@pytest.mark.parametrize("facts, band", [
    (AppFacts(code_lines=20, modules=1, procedures=2), "Low"),
    (AppFacts(code_lines=250, modules=1, procedures=5), "Medium"),
    (AppFacts(forms=1), "Medium"),
    (AppFacts(code_lines=1000), "High"),
    (AppFacts(code_lines=300, modules=4, procedures=12), "High"),        # three Mediums
    (AppFacts(external_links=3, connections=2), "High"),
    (AppFacts(macros=1), "Medium"),
    (AppFacts(formulas=499), "Low"),
    (AppFacts(formulas=5000), "High"),
    (AppFacts(queries=12, reports=2), "Medium"),
])
def test_complexity_band(facts, band):
    assert complexity_band(facts) == band


def test_app_facts_pickle_and_serialise(tmp_path):
    import json
    import pickle
    facts = excel_app_facts(str(add_parts(build_workbook(tmp_path / "b.xlsx"),
                                          {"customUI/customUI14.xml": RIBBON_XML})), "xlsx")
    assert pickle.loads(pickle.dumps(facts)) == facts
    json.dumps(facts.to_record())


def test_a_time_out_swallowed_by_a_library_is_raised_again():
    """A bare ``except:`` in a library eats the first time-out; the work must still stop soon
    after the limit, not run to its end (the recovery search came after such a swallow)."""
    from scanners.apps.vba import summarise_limited

    events = []

    def stubborn(summary):
        try:
            time.sleep(5)
        except BaseException:       # what a hostile file's parser library may do
            events.append("swallowed")
        time.sleep(5)               # work that would go on after the swallowed time-out
        events.append("ran to its end")

    summary = summarise_limited(stubborn, seconds=0.2)
    assert summary.status == "unparsable: time limit exceeded"
    assert events == ["swallowed"]
