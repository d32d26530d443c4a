// Tiny model: run createKamForm() once at script.google.com.
// Made by kam export questionnaire from kam;tiny;0.1;2d0734db0188dd7d
function createKamForm() {
  var form = FormApp.create("Tiny model");
  form.setDescription("The smallest useful model.\nkam;tiny;0.1;2d0734db0188dd7d");
  form.addTextItem().setTitle("Name of the person rated").setRequired(true);
  form.addTextItem().setTitle("Key account").setRequired(true);
  form.addMultipleChoiceItem().setTitle("Stage of the account relationship").setChoiceValues(["First", "Second"]).setRequired(true);
  form.addMultipleChoiceItem().setTitle("Your role towards the person rated").setChoiceValues(["Self (I rate myself)", "Manager", "Peer", "Customer", "Other"]).setRequired(true);
  form.addGridItem().setTitle("Honesty").setHelpText("kam items: honesty_1, honesty_2").setRows(["I keep my delivery promises.", "I promise dates before checking them."]).setColumns(["Rarely", "Sometimes", "Usually"]);
  form.addGridItem().setTitle("Selling").setHelpText("kam items: selling_1").setRows(["I explain what our product does for the buyer."]).setColumns(["Rarely", "Sometimes", "Usually"]);
  Logger.log('Edit the form at: ' + form.getEditUrl());
}
