"""jupyter_kernel_test against the lakeloop kernel (run by test/kernel.test.ts).

The kernelspec is installed in a temporary prefix that JUPYTER_PATH points at; the
kernel opens the temporary lake that LAKELOOP_LAKE names (it holds the sample table).
"""
import os
import unittest

import jupyter_kernel_test


class LakeloopKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("LAKELOOP_TEST_KERNEL", "lakeloop-test")
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Mod", "matches": {"Model"}},
        {"text": "const tx = Model(\"transa", "matches": {"transactions"}},
        {"text": "Model(\"transactions\", { filter: \"coun", "matches": {"country"}},
        {"text": "arrow.tableFromA", "matches": {"tableFromArrays"}},
    ]

    complete_code_samples = ["1 + 1", "const xs = [1, 2, 3]", "%%sql totals\nSELECT count(*) AS n FROM transactions", "%help"]
    incomplete_code_samples = ["%%sql agg", "const xs = [1, 2,", "model(\"a\", {", "const s = `unfinished ${"]
    invalid_code_samples = ["const = ;", "let x = );"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"lake\" + \"loop\"", "result": "'lakeloop'"},
        {"code": "[1, 2].length", "result": "2"},
    ]

    code_display_data = [
        {"code": "display.html(\"<b>lakeloop</b>\")", "mime": "text/html"},
        {"code": "display.vegalite({ mark: \"bar\", encoding: {} }, [{ a: 1 }])", "mime": "application/vnd.vegalite.v5+json"},
        {"code": "display.vegalite({ mark: \"bar\", encoding: {} }, [{ a: 1 }])", "mime": "image/svg+xml"},
    ]

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "transactions"

    code_clear_output = "display.clear()"

    code_page_something = "?transactions"

    # The banner (what jupyter console prints first) says which lake the kernel opened.
    # (A comment, not a docstring: unittest -v would print a docstring instead of the name.)
    def test_banner_names_the_lake(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertIn(f"the Iceberg lake at {os.environ['LAKELOOP_LAKE']}", reply["content"]["banner"])


if __name__ == "__main__":
    unittest.main()
