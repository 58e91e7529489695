package io.gossipkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricTableTest {
  @Test
  void rendersFieldsInOrderWithNestedNamesAndNullsAsNotApplicable() {
    String json = "{\"mode\":\"rumor\",\"residue\":0.037,\"r\":{\"mean\":null,\"max\":3},\"n\":1}";
    String nl = System.lineSeparator();

    assertEquals(
        String.join(
            nl,
            "metric   value",
            "-------  -----",
            "mode     rumor",
            "residue  0.037",
            "r.mean   n/a",
            "r.max    3",
            "n        1",
            ""),
        MetricTable.render(json));
  }
}
