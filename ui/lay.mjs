import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
cytoscape.use(dagre);
for (const n of [300, 1000, 5000]) {
  const els = [{data:{id:"r"}}];
  const runs = Math.round(n/2.05);
  for (let i=0;i<runs;i++){ els.push({data:{id:"e"+i}},{data:{id:"v"+i}},{data:{id:"r-e"+i,source:"r",target:"e"+i}},{data:{id:"e-v"+i,source:"e"+i,target:"v"+i}}); if(i%20==0){els.push({data:{id:"d"+i}},{data:{id:"v-d"+i,source:"v"+i,target:"d"+i}})} }
  for (const name of ["breadthfirst", "dagre", "grid"]) {
    if (name==="dagre" && n>1000) continue;
    const cy = cytoscape({headless:true, elements: els, styleEnabled: true});
    const t0 = performance.now();
    const opts = name==="breadthfirst" ? {name, directed:true, roots: cy.getElementById("r"), spacingFactor:0.6, animate:false} : {name, rankDir:"LR", animate:false};
    cy.layout(opts).run();
    console.log(n, name, Math.round(performance.now()-t0), "ms");
  }
}
